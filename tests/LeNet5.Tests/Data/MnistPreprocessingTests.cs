using LeNet5.Data;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Tests.Data;

/// <summary>
/// <see cref="MnistPreprocessing"/>: digits drawn at other sizes, offsets, colours and polarities come out as the same
/// 28×28 MNIST digit, fitted to 20×20 and centred by mass; real MNIST digits come back nearly unchanged.
/// </summary>
public class MnistPreprocessingTests
{
    /// <summary>A "7"-like binary glyph on a grid of <paramref name="cell"/>-pixel cells: a bar on top and a slanted stroke.</summary>
    private static byte[] Glyph(int width, int height, int left, int top, int cell, byte ink, byte background)
    {
        // The glyph on a 12 × 16 grid of cells.
        string[] rows =
        [
            "############",
            "############",
            "#########...",
            "........##..",
            ".......##...",
            ".......##...",
            "......##....",
            "......##....",
            ".....##.....",
            ".....##.....",
            "....##......",
            "....##......",
            "...##.......",
            "...##.......",
            "..##........",
            "..##........",
        ];
        var image = new byte[width * height];
        image.AsSpan().Fill(background);
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < rows[r].Length; c++)
            {
                if (rows[r][c] == '#')
                {
                    for (int dy = 0; dy < cell; dy++)
                    {
                        for (int dx = 0; dx < cell; dx++)
                            image[((top + (r * cell) + dy) * width) + left + (c * cell) + dx] = ink;
                    }
                }
            }
        }

        return image;
    }

    private static (int Left, int Top, int Width, int Height) InkBox(ReadOnlySpan<byte> digit)
    {
        int left = 28, right = -1, top = 28, bottom = -1;
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                if (digit[(y * 28) + x] > 0)
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        return (left, top, right - left + 1, bottom - top + 1);
    }

    private static (double X, double Y) CentreOfMass(ReadOnlySpan<byte> digit)
    {
        double mass = 0, x = 0, y = 0;
        for (int i = 0; i < digit.Length; i++)
        {
            mass += digit[i];
            x += digit[i] * (i % 28);
            y += digit[i] * (i / 28);
        }
        return (x / mass, y / mass);
    }

    [Fact]
    public void ALargeDigit_IsFittedInto20x20KeepingItsAspectAndCentredByMass()
    {
        // 12 × 16 cells of 10 pixels: a 120 × 160 glyph on a 300 × 240 canvas.
        byte[] digit = MnistPreprocessing.Prepare(Glyph(300, 240, 37, 51, 10, 255, 0), 300, 240);
        var box = InkBox(digit);
        Assert.Equal(20, box.Height);
        Assert.Equal(15, box.Width); // 120 · 20 / 160
        var (x, y) = CentreOfMass(digit);
        Assert.True(Math.Abs(x - 14) <= 0.5 && Math.Abs(y - 14) <= 0.5, $"centre of mass ({x:F2}, {y:F2})");
        Assert.Equal(255, digit.Max());
    }

    [Fact]
    public void OffsetColourPolarityAndSize_DoNotChangeTheResult()
    {
        byte[] reference = MnistPreprocessing.Prepare(Glyph(300, 240, 37, 51, 10, 255, 0), 300, 240);
        // Elsewhere on a different canvas.
        Assert.Equal(reference, MnistPreprocessing.Prepare(Glyph(500, 400, 300, 10, 10, 255, 0), 500, 400));
        // Black ink on white paper.
        Assert.Equal(reference, MnistPreprocessing.Prepare(Glyph(300, 240, 37, 51, 10, 0, 255), 300, 240));
        // Dark grey ink on light grey paper, and light grey on dark grey: the contrast is stretched to full ink.
        Assert.Equal(reference, MnistPreprocessing.Prepare(Glyph(300, 240, 37, 51, 10, 60, 200), 300, 240));
        Assert.Equal(reference, MnistPreprocessing.Prepare(Glyph(300, 240, 37, 51, 10, 170, 40), 300, 240));
        // Twice and four times the size: whole cells average to the same 20×20.
        Assert.Equal(reference, MnistPreprocessing.Prepare(Glyph(600, 480, 10, 20, 20, 255, 0), 600, 480));
        Assert.Equal(reference, MnistPreprocessing.Prepare(Glyph(900, 900, 100, 200, 40, 0, 255), 900, 900));
    }

    [Fact]
    public void ASmallDigit_IsEnlargedToTheBox()
    {
        // Cells of 1 pixel: a 12 × 16 glyph on a 40 × 30 canvas.
        byte[] digit = MnistPreprocessing.Prepare(Glyph(40, 30, 3, 7, 1, 0, 255), 40, 30);
        var box = InkBox(digit);
        Assert.Equal((15, 20), (box.Width, box.Height));
        var (x, y) = CentreOfMass(digit);
        Assert.True(Math.Abs(x - 14) <= 0.5 && Math.Abs(y - 14) <= 0.5, $"centre of mass ({x:F2}, {y:F2})");
    }

    [Fact]
    public void Resampling_IsAntiAliased()
    {
        // A 7 × 7 square of full ink enlarged to 20 × 20: 20/7 is not whole, so the edges between ink and background
        // rows fall inside output pixels and only those pixels are grey.
        var image = new byte[9 * 9];
        for (int y = 1; y < 8; y++)
        {
            for (int x = 1; x < 8; x++)
                image[(y * 9) + x] = 255;
        }

        byte[] digit = MnistPreprocessing.Prepare(image, 9, 9);
        Assert.Equal((20, 20), (InkBox(digit).Width, InkBox(digit).Height));
        Assert.All(digit, p => Assert.True(p is 0 or 255, $"pixel {p}")); // the square's edges are the box's edges

        // A 3-pixel bar on a 7-pixel-wide block: its edges at 3/7 of a pixel give grey levels when scaled to 20.
        var bar = new byte[9 * 9];
        for (int y = 1; y < 8; y++)
        {
            for (int x = 1; x < 8; x++)
                bar[(y * 9) + x] = (byte)(x is >= 3 and < 6 || y == 1 ? 255 : 0);
        }

        byte[] barDigit = MnistPreprocessing.Prepare(bar, 9, 9);
        Assert.Contains(barDigit, p => p is > 0 and < 255);
    }

    [Fact]
    public void ATallThinStroke_KeepsItsAspect()
    {
        var image = new byte[50 * 120];
        for (int y = 10; y < 110; y++)
        {
            for (int x = 20; x < 30; x++)
                image[(y * 50) + x] = 200;
        }

        var box = InkBox(MnistPreprocessing.Prepare(image, 50, 120));
        Assert.Equal((2, 20), (box.Width, box.Height)); // 10 × 100 → 2 × 20
    }

    [Fact]
    public void Polarity_IsReadFromTheBorder()
    {
        Assert.Equal(InkPolarity.LightOnDark, MnistPreprocessing.DetectPolarity(Glyph(300, 240, 37, 51, 10, 255, 0), 300, 240));
        Assert.Equal(InkPolarity.DarkOnLight, MnistPreprocessing.DetectPolarity(Glyph(300, 240, 37, 51, 10, 0, 255), 300, 240));
        Assert.Equal(InkPolarity.DarkOnLight, MnistPreprocessing.DetectPolarity(Glyph(300, 240, 37, 51, 10, 20, 128), 300, 240));
        // A glyph touching the border on one side does not fool the median.
        Assert.Equal(InkPolarity.DarkOnLight, MnistPreprocessing.DetectPolarity(Glyph(120, 160, 0, 0, 10, 0, 255), 120, 160));
    }

    [Fact]
    public void AForcedPolarity_IsUsed()
    {
        byte[] image = Glyph(300, 240, 37, 51, 10, 0, 255);
        Assert.Equal(MnistPreprocessing.Prepare(image, 300, 240), MnistPreprocessing.Prepare(image, 300, 240, InkPolarity.DarkOnLight));
        // Read as light ink on dark, black-on-white has no light ink at all.
        Assert.Throws<ArgumentException>(() => MnistPreprocessing.Prepare(image, 300, 240, InkPolarity.LightOnDark));
    }

    [Fact]
    public void NoiseBelowTheFloor_DoesNotWidenTheBox()
    {
        byte[] clean = Glyph(300, 240, 37, 51, 10, 0, 255);
        byte[] noisy = (byte[])clean.Clone();
        var random = new Random(5);
        for (int i = 0; i < noisy.Length; i++)
        {
            if (noisy[i] == 255)
                noisy[i] = (byte)(255 - random.Next(0, 12)); // paper grain: up to 11 levels of 255
        }

        Assert.Equal(MnistPreprocessing.Prepare(clean, 300, 240), MnistPreprocessing.Prepare(noisy, 300, 240));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(128)]
    [InlineData(255)]
    public void ABlankImage_IsRefused(byte level)
    {
        var image = new byte[30 * 30];
        image.AsSpan().Fill(level);
        image[400] = (byte)(level ^ 0x10); // one pixel 16 levels off: below the minimum contrast
        var error = Assert.Throws<ArgumentException>(() => MnistPreprocessing.Prepare(image, 30, 30));
        Assert.Contains("no digit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongShapes_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => MnistPreprocessing.Prepare(new byte[99], 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => MnistPreprocessing.Prepare(new byte[0], 0, 10));
        Assert.Throws<ArgumentException>(() => MnistPreprocessing.Prepare(new byte[100], 10, 10, new byte[783]));
        Assert.Throws<ArgumentException>(() => MnistPreprocessing.Grayscale(new byte[399], 10, 10));
    }

    [Fact]
    public void Grayscale_IsLuminance()
    {
        byte[] rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255];
        byte[] gray = MnistPreprocessing.Grayscale(rgba, 4, 1);
        Assert.Equal([(byte)Math.Round(0.299 * 255), (byte)Math.Round(0.587 * 255), (byte)Math.Round(0.114 * 255), 255], gray.Select(g => (byte)g));
    }

    [Theory]
    [InlineData(0, 0, 0)]       // transparent pixels stored black
    [InlineData(255, 255, 255)] // or white
    public void StrokesOnATransparentCanvas_KeepTheirShape(byte r, byte g, byte b)
    {
        byte[] glyph = Glyph(120, 160, 0, 0, 10, 255, 0);
        byte[] expected = MnistPreprocessing.Prepare(glyph, 120, 160);
        foreach (byte stroke in new byte[] { 0, 255 }) // black strokes, and white ones
        {
            var rgba = new byte[glyph.Length * 4];
            for (int i = 0; i < glyph.Length; i++)
            {
                bool ink = glyph[i] == 255;
                rgba[4 * i] = ink ? stroke : r;
                rgba[(4 * i) + 1] = ink ? stroke : g;
                rgba[(4 * i) + 2] = ink ? stroke : b;
                rgba[(4 * i) + 3] = ink ? (byte)255 : (byte)0;
            }
            Assert.Equal(expected, MnistPreprocessing.Prepare(MnistPreprocessing.Grayscale(rgba, 120, 160), 120, 160));
        }
    }

    [Fact]
    public void RealMNISTDigits_ComeBackNearlyUnchanged()
    {
        MnistDataset test = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory);
        long totalDifference = 0;
        int close = 0, worst = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ReadOnlySpan<byte> original = test.Image(i);
            byte[] again = MnistPreprocessing.Prepare(original, 28, 28);
            int difference = 0, largest = 0;
            for (int p = 0; p < original.Length; p++)
            {
                int d = Math.Abs(original[p] - again[p]);
                difference += d;
                largest = Math.Max(largest, d);
            }
            totalDifference += difference;
            // Only the faint pixels under the noise floor (and a level of stretch) may change, unless the digit moved.
            close += largest < MnistPreprocessing.NoiseFloor ? 1 : 0;
            worst = Math.Max(worst, difference);
        }

        double meanPerPixel = (double)totalDifference / test.Count / 784;
        string report = $"mean |difference| {meanPerPixel:F3} grey levels per pixel; {close} of {test.Count} images within {MnistPreprocessing.NoiseFloor - 1} levels everywhere; worst image {worst} in all";
        // MNIST's digits already fill 20×20 and are centred by mass: almost nothing moves.
        Assert.True(meanPerPixel < 0.5, report);
        Assert.True(close >= test.Count * 95 / 100, report);
    }

    [Fact]
    public void ATrainedNetwork_ReadsRePreprocessedMNISTDigitsAsItReadsTheOriginals()
    {
        MnistDataset train = MnistDataset.LoadTraining(TestPaths.MnistSubsetDirectory);
        MnistDataset test = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, 500);
        LeNet5Network network = LeNet5Network.Create(seed: 1);
        using (var trainer = new Trainer(network, TrainingOptions.PaperClassic with { Epochs = 2, Threads = 1, Seed = 1 }))
        {
            trainer.Train(train);
        }

        int same = 0, rightBefore = 0, rightAfter = 0;
        for (int i = 0; i < test.Count; i++)
        {
            int before = network.Predict(test.Image(i)).Digit;
            int after = network.Predict(MnistPreprocessing.Prepare(test.Image(i), 28, 28)).Digit;
            same += before == after ? 1 : 0;
            rightBefore += before == test.Label(i) ? 1 : 0;
            rightAfter += after == test.Label(i) ? 1 : 0;
        }

        Assert.True(same >= test.Count * 98 / 100, $"{same} of {test.Count} predicted the same; right {rightBefore} before, {rightAfter} after");
        Assert.True(rightAfter >= rightBefore - (test.Count / 100), $"right {rightBefore} before, {rightAfter} after");
    }
}
