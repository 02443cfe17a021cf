using System.Globalization;
using LeNet5.Data;
using LeNet5.Network;
using LeNet5.Serialization;
using LeNet5.Training;
using StbImageWriteSharp;

namespace LeNet5.Tests.Cli;

/// <summary>A model trained once on the committed subset (two passes of Classic, about a second), for the picture tests.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-trained-").FullName;

    public TrainedModelFixture()
    {
        var network = LeNet5Network.Create(seed: 1);
        using (var trainer = new Trainer(network, TrainingOptions.PaperClassic with { Epochs = 2, Threads = 1, Seed = 1 }))
            trainer.Train(MnistDataset.LoadTraining(TestPaths.MnistSubsetDirectory));
        Path = System.IO.Path.Combine(_folder, "trained.safetensors");
        ModelFile.Save(network, Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>
/// <c>lenet5 predict --image</c>: real MNIST digits written as PNG, JPEG and BMP (also enlarged and dark on light) are
/// read as the IDX path reads the originals; bad files are one line naming them, and nothing is written.
/// </summary>
public sealed class PredictImageCommandTests : IClassFixture<TrainedModelFixture>, IDisposable
{
    private const int Digits = 40;
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-predict-image-").FullName;
    private readonly string _model;

    public PredictImageCommandTests(TrainedModelFixture fixture) => _model = fixture.Path;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string TestImages => System.IO.Path.Combine(TestPaths.MnistSubsetDirectory, "t10k-images-idx3-ubyte.gz");

    private static string[][] Rows(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();

    /// <summary>The predicted digit of each of the first <see cref="Digits"/> test images, through <c>predict --images</c>.</summary>
    private int[] IdxPredictions()
    {
        var result = Lenet5Process.Run("predict", "--model", _model, "--images", TestImages);
        Assert.True(result.ExitCode == 0, result.Error);
        string[][] rows = Rows(result.Output);
        Assert.Equal(["index", "predicted", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"], rows[0]);
        return rows.Skip(1).Take(Digits).Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Writes the first test digits as pictures: scaled by <paramref name="scale"/> (nearest), inverted if asked.</summary>
    private string WritePictures(string name, string extension, int scale, bool darkOnLight)
    {
        string folder = System.IO.Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        MnistDataset test = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, Digits);
        var writer = new ImageWriter();
        int side = 28 * scale;
        for (int i = 0; i < Digits; i++)
        {
            ReadOnlySpan<byte> digit = test.Image(i);
            var pixels = new byte[side * side];
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    byte v = digit[((y / scale) * 28) + (x / scale)];
                    pixels[(y * side) + x] = darkOnLight ? (byte)(255 - v) : v;
                }
            }

            using var stream = File.Create(System.IO.Path.Combine(folder, $"{i:D3}{extension}"));
            switch (extension)
            {
                case ".png":
                    writer.WritePng(pixels, side, side, ColorComponents.Grey, stream);
                    break;
                case ".jpg":
                    writer.WriteJpg(pixels, side, side, ColorComponents.Grey, stream, 95);
                    break;
                default:
                    writer.WriteBmp(pixels, side, side, ColorComponents.Grey, stream);
                    break;
            }
        }
        return folder;
    }

    [Theory]
    [InlineData(".png", 1, false)]
    [InlineData(".png", 5, true)]
    [InlineData(".jpg", 4, true)]
    [InlineData(".bmp", 3, false)]
    public void PicturesOfMNISTDigits_AreReadAsTheOriginals(string extension, int scale, bool darkOnLight)
    {
        int[] expected = IdxPredictions();
        string folder = WritePictures($"{extension[1..]}-{scale}-{darkOnLight}", extension, scale, darkOnLight);

        var result = Lenet5Process.Run("predict", "--model", _model, "--image", folder);
        Assert.True(result.ExitCode == 0, result.Error);
        string[][] rows = Rows(result.Output);
        Assert.Equal(["file", "predicted", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"], rows[0]);
        Assert.Equal(Digits + 1, rows.Length);
        int same = 0;
        for (int i = 0; i < Digits; i++)
        {
            Assert.Equal(System.IO.Path.Combine(folder, $"{i:D3}{extension}"), rows[i + 1][0]);
            same += int.Parse(rows[i + 1][1], CultureInfo.InvariantCulture) == expected[i] ? 1 : 0;
        }
        // MNIST's digits already fit 20×20 centred by mass; JPEG's artefacts may move one.
        Assert.True(same >= Digits - 1, $"{same} of {Digits} predicted as from the IDX file");
    }

    [Fact]
    public void RepeatedImageOptions_KeepTheirOrderAndProbabilitiesSumToOne()
    {
        string folder = WritePictures("repeat", ".png", 2, true);
        string first = System.IO.Path.Combine(folder, "007.png"), second = System.IO.Path.Combine(folder, "003.png");
        var result = Lenet5Process.Run("predict", "--model", _model, "--image", first, "--image", second, "--probabilities");
        Assert.True(result.ExitCode == 0, result.Error);
        string[][] rows = Rows(result.Output);
        Assert.Equal(["file", "predicted", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"], rows[0]);
        Assert.Equal([first, second], rows.Skip(1).Select(r => r[0]));
        foreach (string[] row in rows.Skip(1))
        {
            double[] p = row[2..].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.InRange(p.Sum(), 0.9999, 1.0001);
            Assert.Equal(Array.IndexOf(p, p.Max()), int.Parse(row[1], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void ProbabilitiesWithAnIDXFileReplaceTheScores()
    {
        var scores = Rows(Lenet5Process.Run("predict", "--model", _model, "--images", TestImages).Output);
        var result = Lenet5Process.Run("predict", "--model", _model, "--images", TestImages, "--probabilities");
        Assert.True(result.ExitCode == 0, result.Error);
        var probabilities = Rows(result.Output);
        Assert.Equal(["index", "predicted", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"], probabilities[0]);
        Assert.Equal(scores.Select(r => r[1]), probabilities.Select(r => r[1]));
        // Classic: the smallest penalty is the most probable class.
        for (int i = 1; i < 20; i++)
        {
            float[] s = scores[i][2..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            float[] p = probabilities[i][2..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(Array.IndexOf(s, s.Min()), Array.IndexOf(p, p.Max()));
        }
    }

    [Fact]
    public void AFileThat_IsNotAPictureIsOneLineNamingItAndNothingIsWritten()
    {
        string folder = WritePictures("mixed", ".png", 1, false);
        string fake = System.IO.Path.Combine(folder, "010.png");
        File.WriteAllText(fake, "not a picture");
        string csv = System.IO.Path.Combine(_folder, "out.csv");
        var result = Lenet5Process.Run("predict", "--model", _model, "--image", folder, "--output", csv);
        Lenet5Process.AssertCleanFailure(result, "010.png", "not a PNG, JPEG or BMP");
        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(csv));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    [InlineData(".bmp")]
    public void ATruncatedPicture_IsOneLineNamingIt(string extension)
    {
        string folder = WritePictures($"cut{extension[1..]}", extension, 4, true);
        string picture = System.IO.Path.Combine(folder, $"005{extension}");
        byte[] bytes = File.ReadAllBytes(picture);
        File.WriteAllBytes(picture, bytes[..(bytes.Length * 2 / 3)]);
        var result = Lenet5Process.Run("predict", "--model", _model, "--image", picture);
        Lenet5Process.AssertCleanFailure(result, $"005{extension}");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void ABlankPicture_SaysItHoldsNoDigit()
    {
        string picture = System.IO.Path.Combine(_folder, "blank.png");
        var pixels = new byte[50 * 40];
        pixels.AsSpan().Fill(250);
        using (var stream = File.Create(picture))
            new ImageWriter().WritePng(pixels, 50, 40, ColorComponents.Grey, stream);
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("predict", "--model", _model, "--image", picture), "blank.png", "no digit");
    }

    [Fact]
    public void AFolderWithoutPictures_IsOneLineNamingIt()
    {
        string folder = System.IO.Path.Combine(_folder, "empty");
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "notes.txt"), "no pictures here");
        var result = Lenet5Process.Run("predict", "--model", _model, "--image", folder);
        Lenet5Process.AssertCleanFailure(result, "empty", "no PNG, JPEG or BMP");
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void AMissingPicture_IsAUsageError()
    {
        var result = Lenet5Process.Run("predict", "--model", _model, "--image", System.IO.Path.Combine(_folder, "nope.png"));
        Lenet5Process.AssertCleanFailure(result, "--image", "nope.png");
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void ImagesAndImageTogetherOrNeither_AreUsageErrors()
    {
        string folder = WritePictures("both", ".png", 1, false);
        var both = Lenet5Process.Run("predict", "--model", _model, "--images", TestImages, "--image", folder);
        Lenet5Process.AssertCleanFailure(both, "--images", "--image");
        Assert.Equal(2, both.ExitCode);
        var neither = Lenet5Process.Run("predict", "--model", _model);
        Lenet5Process.AssertCleanFailure(neither, "--image");
        Assert.Equal(2, neither.ExitCode);
    }

    [Fact]
    public void APictureGivenToImages_SaysToUseImage()
    {
        string folder = WritePictures("idx", ".png", 1, false);
        Lenet5Process.AssertCleanFailure(
            Lenet5Process.Run("predict", "--model", _model, "--images", System.IO.Path.Combine(folder, "000.png")), "000.png", "--image");
    }

    [Fact]
    public void AnOutputInAMissingFolder_IsRefusedBeforeAnyWork()
    {
        string csv = System.IO.Path.Combine(_folder, "no", "such", "out.csv");
        var result = Lenet5Process.Run("predict", "--model", _model, "--images", TestImages, "--output", csv);
        Lenet5Process.AssertCleanFailure(result, "--output", "does not exist");
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(".tmp", result.Error, StringComparison.Ordinal);
    }
}
