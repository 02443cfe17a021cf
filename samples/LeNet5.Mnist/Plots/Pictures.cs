using System.Globalization;
using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;
using SkiaSharp;

namespace LeNet5.Mnist.Plots;

/// <summary>The pictures of a network and its mistakes, each as PNG bytes.</summary>
internal static class Pictures
{
    private const int KernelSize = 5;
    private const int C1Maps = 6;

    /// <summary>The six 5×5 kernels of C1 (c1.weight, the first 150 parameters), blue negative and red positive on one scale.</summary>
    public static byte[] C1Kernels(LeNet5Network network)
    {
        ReadOnlySpan<float> parameters = network.Parameters;
        int weights = C1Maps * KernelSize * KernelSize;
        float limit = 0;
        for (int i = 0; i < weights; i++)
            limit = Math.Max(limit, Math.Abs(parameters[i]));
        var colour = Colours.Diverging(limit);
        var tiles = new List<Figure.Tile>();
        for (int m = 0; m < C1Maps; m++)
        {
            float bias = parameters[weights + m];
            tiles.Add(new(parameters.Slice(m * 25, 25).ToArray(), KernelSize, KernelSize, colour, Invariant($"map {m}, bias {bias:+0.00;−0.00}")));
        }
        return new Figure("C1 kernels (5×5, one per feature map)")
            .Note(Invariant($"blue negative, white 0, red positive; full colour at ±{limit:0.000}"))
            .Row("", tiles, 24)
            .ToPng();
    }

    /// <summary>
    /// One digit's way through the network: the 32×32 input, then the maps of C1, S2, C3 and S4, grey levels over
    /// each layer's own range (dark high), and for Classic F6's 84 outputs drawn as the 7×12 bitmap they are compared with.
    /// </summary>
    public static byte[] FeatureMaps(LeNet5Network network, MnistDataset images, int index)
    {
        var input = new float[LeNet5Network.InputSize];
        images.CopyInput(index, input);
        IReadOnlyList<LayerActivation> layers = network.Activations(input);
        Prediction prediction = network.Predict(input);
        var figure = new Figure(Invariant($"Feature maps for test image {index} (label {images.Label(index)}, predicted {prediction.Digit})"))
            .Note("grey levels over each layer's own range, dark = high (the range is in the row's label)");
        figure.Row("input 32×32", [new(input, LeNet5Network.InputSide, LeNet5Network.InputSide, Colours.Ink(-0.1f, 1.175f), "")], 3);
        int[] scales = [3, 6, 6, 12];
        for (int l = 0; l < 4; l++)
        {
            LayerActivation layer = layers[l];
            float low = layer.Values.Min(), high = layer.Values.Max();
            var colour = Colours.Ink(low, high);
            var tiles = Enumerable.Range(0, layer.Shape.Channels)
                .Select(m => new Figure.Tile(layer.Map(m).ToArray(), layer.Shape.Width, layer.Shape.Height, colour, m.ToString(CultureInfo.InvariantCulture)))
                .ToArray();
            figure.Row(Invariant($"{layer.Name} {layer.Shape.Channels}@{layer.Shape.Height}×{layer.Shape.Width}  [{low:0.00}, {high:0.00}]"), tiles, scales[l]);
        }
        if (network.Definition.Architecture == Architecture.Classic)
        {
            LayerActivation f6 = layers[5];
            var f6Tile = new Figure.Tile(f6.Values, RbfPrototypes.Width, RbfPrototypes.Height, Colours.Ink(-1.7159f, 1.7159f), "F6 output");
            var closest = new Figure.Tile(network.Prototypes.Slice(prediction.Digit * RbfPrototypes.Length, RbfPrototypes.Length).ToArray(),
                RbfPrototypes.Width, RbfPrototypes.Height, Colours.Ink(-1.7159f, 1.7159f), Invariant($"prototype {prediction.Digit}"));
            figure.Row("F6 as 7×12  [±1.72]", [f6Tile, closest], 8);
        }
        return figure.ToPng();
    }

    /// <summary>The ten fixed RBF prototypes as 7×12 bitmaps, +1 black and −1 white (Classic only).</summary>
    public static byte[] Prototypes(LeNet5Network network)
    {
        float[] prototypes = network.Prototypes.ToArray();
        var colour = Colours.Ink(-1, 1);
        var tiles = Enumerable.Range(0, LeNet5Network.Classes)
            .Select(d => new Figure.Tile(prototypes.AsSpan(d * RbfPrototypes.Length, RbfPrototypes.Length).ToArray(), RbfPrototypes.Width, RbfPrototypes.Height,
                colour, d.ToString(CultureInfo.InvariantCulture)))
            .ToArray();
        return new Figure("RBF prototypes (7×12, the output units' fixed centres)")
            .Note("black +1, white −1")
            .Row("", tiles, PrototypeScale)
            .ToPng();
    }

    /// <summary>Pixels per prototype cell in <see cref="Prototypes"/> (for the tests).</summary>
    public const int PrototypeScale = 12;

    /// <summary>The most confidently misclassified digits, most confident first, as MNIST stores them (ink dark).</summary>
    public static byte[] Mistakes(MnistDataset images, IReadOnlyList<Mistake> mistakes, Architecture architecture)
    {
        const int Columns = 8;
        var figure = new Figure(Invariant($"The {mistakes.Count} most confident mistakes on the test set (true → predicted)"))
            .Note(architecture == Architecture.Classic
                ? "ordered by margin: the true class's RBF penalty minus the predicted one's; #n is the test index"
                : "ordered by margin: the predicted class's logit minus the true one's; #n is the test index");
        if (mistakes.Count == 0)
            figure.Note("none: every image was classified correctly");
        var colour = Colours.Ink(0, 255);
        for (int start = 0; start < mistakes.Count; start += Columns)
        {
            var tiles = mistakes.Skip(start).Take(Columns).Select(m =>
            {
                ReadOnlySpan<byte> pixels = images.Image(m.Index);
                var values = new float[pixels.Length];
                for (int i = 0; i < values.Length; i++)
                    values[i] = pixels[i];
                return new Figure.Tile(values, images.ImageSide, images.ImageSide, colour, Invariant($"{m.Label} → {m.Predicted}  #{m.Index}"));
            }).ToArray();
            figure.Row("", tiles, 3);
        }
        return figure.ToPng();
    }

    /// <summary>The confusion matrix as a heat map: colour by the logarithm of the count, the count written in each cell, the class error on the right.</summary>
    public static byte[] Confusion(EvaluationResult evaluation)
    {
        const int Cell = 46, Left = 84, Top = 92, Classes = LeNet5Network.Classes, ErrorColumn = 70;
        int width = Left + (Classes * Cell) + ErrorColumn + 16, height = Top + (Classes * Cell) + 24;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var title = Fonts.Create(18, bold: true);
        using var font = Fonts.Create(13);
        using var bold = Fonts.Create(13, bold: true);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var fill = new SKPaint();
        using var grid = new SKPaint { Style = SKPaintStyle.Stroke, Color = new SKColor(200, 200, 200) };
        canvas.DrawText(Invariant($"Confusion matrix: {evaluation.ErrorRate * 100:0.00} % error ({evaluation.Errors} of {evaluation.Count:N0})"), 16, 28, SKTextAlign.Left, title, ink);
        canvas.DrawText("colour: log(1 + count)", 16, 48, SKTextAlign.Left, font, ink);
        canvas.DrawText("predicted", Left + (Classes * Cell / 2f), Top - 26, SKTextAlign.Center, bold, ink);
        canvas.DrawText("error", Left + (Classes * Cell) + (ErrorColumn / 2f), Top - 8, SKTextAlign.Center, bold, ink);
        canvas.Save();
        canvas.RotateDegrees(-90, 24, Top + (Classes * Cell / 2f));
        canvas.DrawText("true", 24, Top + (Classes * Cell / 2f) + 5, SKTextAlign.Center, bold, ink);
        canvas.Restore();
        int largest = 0;
        for (int t = 0; t < Classes; t++)
        {
            for (int p = 0; p < Classes; p++)
                largest = Math.Max(largest, evaluation.Confusion[t, p]);
        }

        double scale = Math.Log(1 + Math.Max(1, largest));
        for (int t = 0; t < Classes; t++)
        {
            float y = Top + (t * Cell);
            canvas.DrawText(t.ToString(CultureInfo.InvariantCulture), Left - 12, y + (Cell / 2f) + 5, SKTextAlign.Right, bold, ink);
            canvas.DrawText(t.ToString(CultureInfo.InvariantCulture), Left + (t * Cell) + (Cell / 2f), Top - 8, SKTextAlign.Center, bold, ink);
            for (int p = 0; p < Classes; p++)
            {
                int count = evaluation.Confusion[t, p];
                float x = Left + (p * Cell);
                SKColor colour = Colours.Sequential((float)(Math.Log(1 + count) / scale));
                fill.Color = colour;
                canvas.DrawRect(x, y, Cell, Cell, fill);
                canvas.DrawRect(x, y, Cell, Cell, grid);
                fill.Color = count == 0 ? new SKColor(190, 190, 190) : Colours.TextOn(colour);
                fill.IsAntialias = true;
                canvas.DrawText(count.ToString(CultureInfo.InvariantCulture), x + (Cell / 2f), y + (Cell / 2f) + 5, SKTextAlign.Center, font, fill);
                fill.IsAntialias = false;
            }
            canvas.DrawText(Invariant($"{evaluation.ClassErrorRate(t) * 100:0.00} %"), Left + (Classes * Cell) + ErrorColumn - 8, y + (Cell / 2f) + 5, SKTextAlign.Right, font, ink);
        }
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
