using System.Reflection;
using LeNet5.Network;

namespace LeNet5.Tests.Cli;

/// <summary>The errors a user should never see (issue 9, item 7), each reproduced through the built <c>lenet5</c>.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void AssertUsageError(Lenet5Process.Result result, params string[] mentions)
    {
        Lenet5Process.AssertCleanFailure(result, mentions);
        Assert.Equal(2, result.ExitCode);
    }

    [Theory]
    [InlineData("--epochs", "abc", "whole number")]
    [InlineData("--seed", "1.5", "whole number")]
    [InlineData("--lr-scale", "fast", "a number")]
    public void AValueOfTheWrongType_NamesTheOptionNotADotnetType(string option, string value, string expected)
    {
        var result = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, option, value);
        AssertUsageError(result, option, value, expected);
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--batch-size", "-3")]
    [InlineData("train", "--train-limit", "0")]
    [InlineData("train", "--test-limit", "-1")]
    [InlineData("train", "--threads", "0")]
    [InlineData("train", "--threads", "1000000")]
    [InlineData("train", "--lr-scale", "-1")]
    [InlineData("train", "--lr-scale", "0")]
    [InlineData("eval", "--limit", "0")]
    [InlineData("eval", "--set", "validation")]
    public void AnInvalidValue_IsRefusedByTheParserNamingTheOption(string command, string option, string value)
    {
        string[] arguments = command == "eval"
            ? ["eval", "--model", TestUtil.ReferenceData("classic.safetensors"), "--data", TestPaths.MnistSubsetDirectory, option, value]
            : ["train", "--data", TestPaths.MnistSubsetDirectory, option, value];
        AssertUsageError(Lenet5Process.Run(arguments), option, value);
    }

    [Fact]
    public void TheLearningRateScale_IsNamedNotTheRateItGives()
    {
        var result = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--lr-scale", "-1");
        AssertUsageError(result, "--lr-scale", "-1");
        Assert.DoesNotContain("E-0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheThreadBound_IsSaid()
        => AssertUsageError(Lenet5Process.Run("train", "--threads", "1000000"), "--threads", "256", "1000000");

    [Fact]
    public void AnUnknownCommand_IsNamed()
    {
        var result = Lenet5Process.Run("bogus");
        AssertUsageError(result, "unknown command 'bogus'", "train");
        Assert.DoesNotContain("Required command", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCommandListsTheCommands()
        => AssertUsageError(Lenet5Process.Run(), "no command", "predict");

    [Fact]
    public void TheUsageLine_SaysLenet5()
    {
        var result = Lenet5Process.Run("train", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("lenet5 train [options]", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("LeNet5.Mnist", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("summary")]
    public void Help_SaysEachDefaultOnce(string command)
    {
        var result = Lenet5Process.Run(command, "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (string line in result.Output.Split('\n'))
            Assert.False(line.Contains("(default", StringComparison.Ordinal) && line.Contains("[default:", StringComparison.Ordinal), $"a default said twice: {line}");
    }

    [Fact]
    public void Version_IsThePackages()
    {
        string version = typeof(LeNet5Network).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        var result = Lenet5Process.Run("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(version, result.Output.Trim().Split('+')[0]);
        Assert.StartsWith("0.", version, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOutputFolderThat_DoesNotExistIsRefusedBeforeAnyWork()
    {
        string model = Path.Combine(_folder, "no", "such", "m.safetensors");
        var result = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "50", "--test-limit", "10", "--out", model);
        AssertUsageError(result, "--out", "does not exist");
        Assert.DoesNotContain(".tmp", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output); // no pass was run
    }

    [Fact]
    public void ResumingWithAnotherNetwork_SaysWhatTheFileHolds()
    {
        string model = Path.Combine(_folder, "modern.safetensors");
        var train = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--arch", "modern", "--epochs", "1", "--train-limit", "100", "--test-limit", "10", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);

        var result = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--arch", "classic", "--epochs", "2", "--train-limit", "100", "--test-limit", "10", "--out", model, "--resume");
        Lenet5Process.AssertCleanFailure(result, "modern.safetensors", "Modern", "--arch modern");
        Assert.DoesNotContain("Invalid safetensors", result.Error, StringComparison.Ordinal);

        // Without --arch, the file's network is resumed.
        var resumed = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "2", "--train-limit", "100", "--test-limit", "10", "--out", model, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.StartsWith("LeNet-5 Modern", resumed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainWithoutOut_SaysWhereTheModelGoes()
    {
        var result = Lenet5Process.RunIn(_folder, new Dictionary<string, string>(),
            "train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "50", "--test-limit", "10");
        Assert.True(result.ExitCode == 0, result.Error);
        string expected = Path.Combine(_folder, "lenet5-classic.safetensors");
        Assert.True(File.Exists(expected));
        string[] lines = result.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains(expected, StringComparison.Ordinal) && l.Contains("after every pass", StringComparison.Ordinal));
        Assert.Contains($"model written to {expected}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DownloadErrors_UseTheLenet5Prefix()
    {
        var environment = new Dictionary<string, string> { ["LENET5_MNIST_MIRRORS"] = "gopher://example.invalid/" };
        var result = Lenet5Process.RunWith(environment, "download", "--data", Path.Combine(_folder, "data"));
        Assert.NotEqual(0, result.ExitCode);
        string last = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("lenet5: ", last, StringComparison.Ordinal);
        Assert.DoesNotContain("lenet5 download:", result.Error, StringComparison.Ordinal);
        Assert.Contains("LENET5_MNIST_MIRRORS", last, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ALocalCopy_IsAMirror(bool asUrl)
    {
        string copy = TestPaths.FullMnistDirectory; // the four real files: the download checks MNIST's SHA-256
        string data = Path.Combine(_folder, "data");
        var environment = new Dictionary<string, string> { ["LENET5_MNIST_MIRRORS"] = asUrl ? new Uri(copy + "/").AbsoluteUri : copy };
        var result = Lenet5Process.RunWith(environment, "download", "--data", data);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(4, Directory.GetFiles(data).Length);
    }

    [Fact]
    public void SummaryDescribesTheReluMaxPoolingNetwork()
    {
        var table = Lenet5Process.Run("summary", "--arch", "modern", "--activation", "relu", "--pooling", "max");
        Assert.Equal(0, table.ExitCode);
        Assert.StartsWith("LeNet-5 (Modern, ReLU, max pooling)", table.Output.TrimStart(), StringComparison.Ordinal);
        var json = Lenet5Process.Run("summary", "--arch", "modern", "--activation", "relu", "--pooling", "max", "--json");
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.Equal("ReLU", document.RootElement.GetProperty("activation").GetString());
        Assert.Equal("Max", document.RootElement.GetProperty("pooling").GetString());
        AssertUsageError(Lenet5Process.Run("summary", "--pooling", "max"), "--arch modern");
    }
}
