using System.Globalization;
using LeNet5.Serialization;

namespace LeNet5.Tests.Cli;

/// <summary>
/// <c>lenet5 predict</c> on weights written by PyTorch (tools/make_reference.py): the same labels, and scores
/// within 1e-4 (relative or absolute) of PyTorch's, for 28×28 and 32×32 images.
/// </summary>
public sealed class PredictCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string fixture in new[] { "classic", "modern-tanh-average", "modern-relu-max" })
        {
            foreach (string images in new[] { "mnist-t10k-first8-idx3-ubyte", "mnist-t10k-first8-32x32-idx3-ubyte" })
                data.Add(fixture, images);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predict_MatchesPyTorch(string fixture, string images)
    {
        var result = Lenet5Process.Run("predict", "--model", TestUtil.ReferenceData($"{fixture}.safetensors"), "--images", TestUtil.ReferenceData(images));
        Assert.True(result.ExitCode == 0, result.Error);
        float[] expected = SafeTensorsFile.Read(TestUtil.ReferenceData($"{fixture}-io.safetensors"))["output"].Data.ToArray();

        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("index,predicted,s0,s1,s2,s3,s4,s5,s6,s7,s8,s9", lines[0]);
        Assert.Equal(9, lines.Length);
        for (int b = 0; b < 8; b++)
        {
            string[] cells = lines[b + 1].Split(',');
            Assert.Equal(12, cells.Length);
            Assert.Equal(b, int.Parse(cells[0], CultureInfo.InvariantCulture));
            float[] scores = cells[2..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            float[] reference = expected.AsSpan(b * 10, 10).ToArray();
            for (int c = 0; c < 10; c++)
            {
                Assert.True(Math.Abs(scores[c] - reference[c]) <= 1e-4 * Math.Max(1, Math.Abs(reference[c])),
                    $"image {b} score {c}: {scores[c]} vs PyTorch {reference[c]}");
            }

            int label = Array.IndexOf(reference, fixture == "classic" ? reference.Min() : reference.Max());
            Assert.Equal(label, int.Parse(cells[1], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Predict_WritesTheCsvFile_AndScoresRoundTrip()
    {
        string csv = Path.Combine(_folder, "out.csv");
        var result = Lenet5Process.Run("predict", "--model", TestUtil.ReferenceData("classic.safetensors"),
            "--images", TestUtil.ReferenceData("mnist-t10k-first8-idx3-ubyte"), "--output", csv);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Output);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(9, lines.Length);
        Assert.Equal([Path.GetFileName(csv)], Directory.GetFiles(_folder).Select(Path.GetFileName));
        foreach (string cell in lines[1].Split(',')[2..])
            Assert.Equal(cell, float.Parse(cell, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MissingModel_IsOneClearLine()
    {
        string missing = Path.Combine(_folder, "nope.safetensors");
        Lenet5Process.AssertCleanFailure(
            Lenet5Process.Run("predict", "--model", missing, "--images", TestUtil.ReferenceData("mnist-t10k-first8-idx3-ubyte")), "nope.safetensors");
    }

    [Fact]
    public void TruncatedImages_AreOneClearLine()
    {
        string images = Path.Combine(_folder, "cut-idx3-ubyte");
        byte[] bytes = File.ReadAllBytes(TestUtil.ReferenceData("mnist-t10k-first8-idx3-ubyte"));
        File.WriteAllBytes(images, bytes[..^100]);
        Lenet5Process.AssertCleanFailure(
            Lenet5Process.Run("predict", "--model", TestUtil.ReferenceData("classic.safetensors"), "--images", images), "cut-idx3-ubyte");
    }

    [Fact]
    public void WrongImageSize_IsOneClearLine()
    {
        // A valid IDX file of 2 images of 10×10.
        string images = Path.Combine(_folder, "small-idx3-ubyte");
        byte[] bytes = new byte[16 + 200];
        bytes[2] = 0x08;
        bytes[3] = 3;
        bytes[7] = 2;
        bytes[11] = 10;
        bytes[15] = 10;
        File.WriteAllBytes(images, bytes);
        Lenet5Process.AssertCleanFailure(
            Lenet5Process.Run("predict", "--model", TestUtil.ReferenceData("classic.safetensors"), "--images", images), "10");
    }

    [Fact]
    public void CorruptModel_IsOneClearLine_NamingTheFile()
    {
        string model = Path.Combine(_folder, "broken.safetensors");
        File.WriteAllBytes(model, File.ReadAllBytes(TestUtil.ReferenceData("classic.safetensors"))[..5000]);
        Lenet5Process.AssertCleanFailure(
            Lenet5Process.Run("predict", "--model", model, "--images", TestUtil.ReferenceData("mnist-t10k-first8-idx3-ubyte")), "broken.safetensors");
    }

    [Fact]
    public void MissingRequiredOption_IsOneClearLine()
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run("predict", "--model", TestUtil.ReferenceData("classic.safetensors")));
}
