using System.Diagnostics;

namespace LeNet5.Tests.Cli;

/// <summary>Runs the built <c>lenet5</c> sample as a user would, capturing its exit code and both streams.</summary>
internal static class Lenet5Process
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] arguments) => RunWith(new Dictionary<string, string>(), arguments);

    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] arguments) => RunIn(null, environment, arguments);

    /// <summary>Runs in <paramref name="workingDirectory"/> (null: this process's).</summary>
    public static Result RunIn(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        string dll = Path.Combine(TestPaths.RepositoryRoot, "samples", "LeNet5.Mnist", "bin", Configuration, "net10.0", "LeNet5.Mnist.dll");
        Assert.True(File.Exists(dll), $"The sample is not built: {dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "lenet5 did not finish within 2 minutes");
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A failure is one line on stderr, with no stack trace.</summary>
    public static void AssertCleanFailure(Result result, params string[] mentions)
    {
        Assert.NotEqual(0, result.ExitCode);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{result.Error}");
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        foreach (string mention in mentions)
            Assert.Contains(mention, result.Error, StringComparison.Ordinal);
    }
}
