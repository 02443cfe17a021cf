using System.Text.Json;
using LeNet5.Data;

namespace LeNet5.Tests.Cli;

public class BenchCommandTests
{
    private static readonly string[] s_requiredFigures = ["train_b1_t1", "train_b64_t1", "train_b64_t2", "infer_b1_t1", "infer_b256_t1", "infer_b256_t2"];

    // An empty data folder: the bench must not depend on what a developer's cache holds.
    private static Dictionary<string, string> NoMnist() => new() { ["LENET5_DATA"] = Path.Combine(Path.GetTempPath(), "lenet5-bench-no-data-" + Guid.NewGuid().ToString("N")) };

    [Theory]
    [InlineData("classic", "sdlm")]
    [InlineData("modern", "adam")]
    public void BenchJson_HasEveryFigurePositive(string arch, string optimizer)
    {
        var result = Lenet5Process.RunWith(NoMnist(), "bench", "--arch", arch, "--seconds", "0.05", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(arch, root.GetProperty("arch").GetString());
        Assert.Equal(optimizer, root.GetProperty("optimizer").GetString());
        Assert.Equal("generated", root.GetProperty("data").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("cpu").GetString()));
        Assert.Contains(root.GetProperty("simd_bits").GetInt32(), new[] { 32, 128, 256, 512 });
        Assert.StartsWith($"{root.GetProperty("simd_bits").GetInt32()}-bit", root.GetProperty("simd").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("peak_gflops").GetDouble() > 0);

        int processors = root.GetProperty("processor_count").GetInt32();
        Assert.True(processors >= 1);
        var keys = s_requiredFigures.Concat([$"train_b64_t{processors}", $"infer_b256_t{processors}", "train_b256_t1", "infer_b64_t1"]).Distinct();
        foreach (string key in keys)
        {
            Assert.True(root.GetProperty(key).GetDouble() > 0, key);
            double share = root.GetProperty(key + "_share").GetDouble();
            Assert.True(share > 0 && double.IsFinite(share), $"{key}_share = {share}");
        }

        // The forward count is the summary's connections; training is 3 × forward less C1's input gradients.
        long forward = root.GetProperty("multiply_adds_forward").GetInt64();
        Assert.Equal(arch == "classic" ? 340_908 : 429_342, forward);
        Assert.Equal((3 * forward) - 122_304, root.GetProperty("multiply_adds_training").GetInt64());

        var figures = root.GetProperty("figures").EnumerateArray().ToArray();
        Assert.Equal(figures.Length, figures.Select(f => f.GetProperty("key").GetString()).Distinct().Count());
        foreach (var figure in figures)
        {
            Assert.Equal(5, figure.GetProperty("rounds").GetArrayLength());
            Assert.Equal(root.GetProperty(figure.GetProperty("key").GetString()!).GetDouble(), figure.GetProperty("images_per_second").GetDouble());
        }
    }

    [Fact]
    public void BenchTable_NamesTheMachineAndEveryWorkload()
    {
        var result = Lenet5Process.RunWith(NoMnist(), "bench", "--seconds", "0.05");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("cpu ", result.Output, StringComparison.Ordinal);
        Assert.Contains("simd ", result.Output, StringComparison.Ordinal);
        Assert.Contains("peak ", result.Output, StringComparison.Ordinal);
        Assert.Contains("generated images", result.Output, StringComparison.Ordinal);
        Assert.Contains("share of peak", result.Output, StringComparison.Ordinal);
        Assert.Equal(5, result.Output.Split('\n').Count(l => l.StartsWith("inference ", StringComparison.Ordinal)) - (Environment.ProcessorCount > 2 ? 2 : 0));
        Assert.Equal(5, result.Output.Split('\n').Count(l => l.StartsWith("training ", StringComparison.Ordinal)) - (Environment.ProcessorCount > 2 ? 2 : 0));
    }

    [Theory]
    [InlineData(1024, "mnist")]
    [InlineData(8, "generated")]
    public void Bench_UsesMnistWhenTheDataFolderHoldsEnoughTrainingImages(int images, string expected)
    {
        string folder = Path.Combine(Path.GetTempPath(), "lenet5-bench-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var pixels = new byte[images * 28 * 28];
            var labels = new byte[images];
            new Random(1).NextBytes(pixels);
            for (int i = 0; i < images; i++)
                labels[i] = (byte)(i % 10);
            IdxWriter.WriteFile<byte>(Path.Combine(folder, "train-images-idx3-ubyte"), pixels, [images, 28, 28]);
            IdxWriter.WriteFile<byte>(Path.Combine(folder, "train-labels-idx1-ubyte"), labels, [images]);

            var result = Lenet5Process.RunWith(NoMnist(), "bench", "--seconds", "0.02", "--json", "--data", folder);
            Assert.True(result.ExitCode == 0, result.Error);
            using var json = JsonDocument.Parse(result.Output);
            Assert.Equal(expected, json.RootElement.GetProperty("data").GetString());
            Assert.Contains(folder, json.RootElement.GetProperty("data_source").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--seconds", "-1", "--seconds")]
    [InlineData("--seconds", "0", "--seconds")]
    [InlineData("--seconds", "soon", "--seconds")]
    [InlineData("--seconds", "NaN", "--seconds")]
    [InlineData("--arch", "foo", "--arch")]
    [InlineData("--bogus", "1", "--bogus")]
    public void BadOptions_FailWithOneLineAndExitCode2(string option, string value, string mention)
    {
        var result = Lenet5Process.Run("bench", option, value);
        Lenet5Process.AssertCleanFailure(result, mention);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
    }
}
