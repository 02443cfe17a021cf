using LeNet5.Model;
using SkiaSharp;

namespace LeNet5.Tests.Cli;

/// <summary>
/// The pictures of <c>train</c> and <c>eval</c> (<c>--plots</c>, <c>--no-plots</c>) and <c>train</c>'s <c>metrics.csv</c>:
/// the files are there, are PNGs of the expected size, and the prototypes' picture shows the prototypes' bitmaps.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PlotsCommandTests : IDisposable
{
    private static readonly string[] s_trainPictures =
        ["learning-curve.png", "confusion-matrix.png", "c1-kernels.png", "feature-maps.png", "rbf-prototypes.png", "mistakes.png"];

    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-cli-plots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Train_WritesMetricsAndEveryPicture_BesideTheModel_ThenEvalIntoItsOwnFolder()
    {
        string model = Path.Combine(_folder, "m.safetensors");
        var train = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "2", "--train-limit", "300", "--test-limit", "200", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        string plots = Path.Combine(_folder, "m.plots");
        Assert.Contains($"pictures written to {plots}", train.Output, StringComparison.Ordinal);

        string[] metrics = File.ReadAllLines(Path.Combine(_folder, "m.metrics.csv"));
        Assert.Equal("epoch,train_loss,train_error,test_error,learning_rate,seconds", metrics[0]);
        Assert.Equal(3, metrics.Length);
        Assert.StartsWith("1,", metrics[1], StringComparison.Ordinal);
        Assert.StartsWith("2,", metrics[2], StringComparison.Ordinal);
        Assert.All(metrics.Skip(1), line => Assert.Equal(6, line.Split(',').Length));
        Assert.All(metrics.Skip(1), line => Assert.All(line.Split(','), field => Assert.NotEqual("", field)));

        Assert.Equal(s_trainPictures.Order(), Directory.GetFiles(plots).Select(Path.GetFileName).Order());
        foreach (string picture in s_trainPictures)
        {
            using var bitmap = DecodePng(Path.Combine(plots, picture));
            Assert.True(bitmap.Width >= 200 && bitmap.Height >= 100, $"{picture} is {bitmap.Width}×{bitmap.Height}");
        }
        using (var curve = DecodePng(Path.Combine(plots, "learning-curve.png")))
        {
            Assert.Equal((900, 520), (curve.Width, curve.Height));
        }
        using (var confusion = DecodePng(Path.Combine(plots, "confusion-matrix.png")))
        {
            Assert.Equal((630, 576), (confusion.Width, confusion.Height));
        }
        AssertShowsThePrototypes(Path.Combine(plots, "rbf-prototypes.png"));

        // eval: the same pictures but the learning curve, into the folder asked for; the resumed run keeps the rows.
        string evalPlots = Path.Combine(_folder, "eval pictures");
        var eval = Lenet5Process.Run("eval", "--model", model, "--data", TestPaths.MnistSubsetDirectory, "--test-limit", "100", "--plots", evalPlots);
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Equal(s_trainPictures.Skip(1).Order(), Directory.GetFiles(evalPlots).Select(Path.GetFileName).Order());

        var resumed = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "3", "--train-limit", "300", "--test-limit", "200",
            "--out", model, "--resume", "--no-plots");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(["1", "2", "3"], File.ReadAllLines(Path.Combine(_folder, "m.metrics.csv")).Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void NoPlots_WritesNoFolder()
    {
        string model = Path.Combine(_folder, "modern.safetensors");
        var train = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--arch", "modern", "--epochs", "1", "--train-limit", "100", "--test-limit", "50",
            "--out", model, "--no-plots");
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "modern.plots")));
        Assert.DoesNotContain("pictures written", train.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void PlotsAndNoPlots_Together_FailWithOneLine()
    {
        var result = Lenet5Process.Run("eval", "--model", Path.Combine(_folder, "none.safetensors"), "--plots", _folder, "--no-plots");
        Lenet5Process.AssertCleanFailure(result);
    }

    [Fact]
    public void PlotsFolderThatCannotBeMade_FailsBeforeTraining_NamingTheOption()
    {
        string file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "");
        var result = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "100",
            "--out", Path.Combine(_folder, "x.safetensors"), "--plots", Path.Combine(file, "sub"));
        Lenet5Process.AssertCleanFailure(result, "--plots");
        Assert.DoesNotContain("epoch", result.Output, StringComparison.Ordinal);
    }

    private static SKBitmap DecodePng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");
        return SKBitmap.Decode(bytes) ?? throw new InvalidDataException($"{path} does not decode");
    }

    /// <summary>
    /// Each digit's 7×12 bitmap is somewhere in the picture, 12 pixels a cell: black where the bitmap is +1, white where
    /// it is −1; and its negative is nowhere.
    /// </summary>
    private static void AssertShowsThePrototypes(string path)
    {
        const int Scale = 12;
        using var bitmap = DecodePng(path);
        ReadOnlySpan<float> prototypes = RbfPrototypes.Values;
        for (int digit = 0; digit < RbfPrototypes.Count; digit++)
        {
            float[] bits = prototypes.Slice(digit * RbfPrototypes.Length, RbfPrototypes.Length).ToArray();
            Assert.True(Find(bitmap, bits, Scale, inverted: false), $"prototype {digit} is not drawn (black ink on white)");
            Assert.False(Find(bitmap, bits, Scale, inverted: true), $"prototype {digit} is drawn inverted");
        }
    }

    private static bool Find(SKBitmap bitmap, float[] bits, int scale, bool inverted)
    {
        int w = RbfPrototypes.Width * scale, h = RbfPrototypes.Height * scale;
        for (int top = 0; top + h <= bitmap.Height; top++)
        {
            for (int left = 0; left + w <= bitmap.Width; left++)
            {
                if (Matches(bitmap, bits, scale, left, top, inverted))
                    return true;
            }
        }
        return false;
    }

    private static bool Matches(SKBitmap bitmap, float[] bits, int scale, int left, int top, bool inverted)
    {
        for (int i = 0; i < bits.Length; i++)
        {
            int r = i / RbfPrototypes.Width, c = i % RbfPrototypes.Width;
            // Both corners of the cell, not only its centre, so a match is a whole cell of that colour.
            for (int corner = 0; corner < 2; corner++)
            {
                SKColor pixel = bitmap.GetPixel(left + (c * scale) + (corner * (scale - 1)), top + (r * scale) + (corner * (scale - 1)));
                bool ink = (bits[i] > 0) != inverted;
                bool dark = pixel.Red < 40 && pixel.Green < 40 && pixel.Blue < 40;
                bool light = pixel.Red > 215 && pixel.Green > 215 && pixel.Blue > 215;
                if (ink ? !dark : !light)
                    return false;
            }
        }
        return true;
    }
}
