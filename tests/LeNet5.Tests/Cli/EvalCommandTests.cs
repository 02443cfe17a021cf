using System.Text.Json;

namespace LeNet5.Tests.Cli;

/// <summary><c>lenet5 eval --json</c> and <c>--set train</c>, on the committed subset.</summary>
public sealed class EvalCommandTests
{
    private static readonly string s_model = TestUtil.ReferenceData("classic.safetensors");

    [Fact]
    public void Json_IsOneObjectWhosePartsAgree()
    {
        var result = Lenet5Process.Run("eval", "--model", s_model, "--data", TestPaths.MnistSubsetDirectory, "--limit", "300", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(Path.GetFullPath(s_model), root.GetProperty("model").GetString());
        Assert.Equal("Classic", root.GetProperty("network").GetProperty("architecture").GetString());
        Assert.Equal("test", root.GetProperty("set").GetString());
        Assert.Equal(300, root.GetProperty("count").GetInt32());
        int errors = root.GetProperty("errors").GetInt32();
        Assert.Equal(errors / 300.0, root.GetProperty("error_rate").GetDouble(), 12);

        int[][] confusion = root.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(10, confusion.Length);
        Assert.Equal(300, confusion.Sum(r => r.Sum()));
        Assert.Equal(300 - errors, Enumerable.Range(0, 10).Sum(i => confusion[i][i]));
        JsonElement[] classes = root.GetProperty("classes").EnumerateArray().ToArray();
        Assert.Equal(10, classes.Length);
        for (int d = 0; d < 10; d++)
        {
            Assert.Equal(d, classes[d].GetProperty("digit").GetInt32());
            Assert.Equal(confusion[d].Sum(), classes[d].GetProperty("count").GetInt32());
            Assert.Equal(confusion[d].Sum() - confusion[d][d], classes[d].GetProperty("errors").GetInt32());
        }
    }

    [Fact]
    public void TheTrainingSetCanBeEvaluated()
    {
        var text = Lenet5Process.Run("eval", "--model", s_model, "--data", TestPaths.MnistSubsetDirectory, "--set", "train", "--limit", "120");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.StartsWith("train error", text.Output, StringComparison.Ordinal);
        Assert.Contains("of 120", text.Output, StringComparison.Ordinal);

        var json = Lenet5Process.Run("eval", "--model", s_model, "--data", TestPaths.MnistSubsetDirectory, "--set", "train", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("train", document.RootElement.GetProperty("set").GetString());
        Assert.Equal(TestPaths.SubsetTrainingCount, document.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public void TestLimitStill_Works()
    {
        var result = Lenet5Process.Run("eval", "--model", s_model, "--data", TestPaths.MnistSubsetDirectory, "--test-limit", "50");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("test error", result.Output, StringComparison.Ordinal);
        Assert.Contains("of 50", result.Output, StringComparison.Ordinal);
    }
}
