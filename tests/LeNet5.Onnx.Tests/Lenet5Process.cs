using System.Diagnostics;

namespace LeNet5.Onnx.Tests;

/// <summary>Runs the built <c>lenet5</c> sample as a user would, capturing its exit code and both streams.</summary>
internal static class Lenet5Process
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] arguments)
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        string dll = Path.Combine(RepositoryRoot(), "samples", "LeNet5.Mnist", "bin", Configuration, "net10.0", "LeNet5.Mnist.dll");
        Assert.True(File.Exists(dll), $"The sample is not built: {dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "lenet5 did not finish within 2 minutes");
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A failure is one line on stderr, with no stack trace, and the exit code given.</summary>
    public static void AssertCleanFailure(Result result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, $"exit code {result.ExitCode}, expected {exitCode}; stderr: {result.Error}");
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{result.Error}");
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        foreach (string mention in mentions)
            Assert.Contains(mention, result.Error, StringComparison.Ordinal);
    }

    /// <summary>The folder holding LeNet5.sln, found by walking up from the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNet5.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException($"No LeNet5.sln in {AppContext.BaseDirectory} or any folder above it.");
    }
}
