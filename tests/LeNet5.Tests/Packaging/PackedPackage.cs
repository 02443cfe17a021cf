using System.Diagnostics;
using System.Reflection;
using LeNet5.Network;

namespace LeNet5.Tests.Packaging;

/// <summary>
/// The LeNet5 package as <c>dotnet pack</c> makes it: from <c>$LENET5_PACKAGE_DIR</c> when that is set (.ci/run packs
/// before the tests and points there), else packed once for the test run into a temporary folder.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    /// <summary>The environment variable naming a folder that already holds the freshly packed package.</summary>
    public const string FolderVariable = "LENET5_PACKAGE_DIR";

    private readonly string? _temporary;

    public PackedPackage()
    {
        Version = typeof(LeNet5Network).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        string? given = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            Folder = Path.GetFullPath(given);
        }
        else
        {
            _temporary = Directory.CreateTempSubdirectory("lenet5-pack-").FullName;
            Folder = Path.Combine(_temporary, "feed");
            string project = Path.Combine(TestPaths.RepositoryRoot, "src", "LeNet5", "LeNet5.csproj");
            DotNet.Run(_temporary, new Dictionary<string, string>(), TimeSpan.FromMinutes(5), "pack", project, "-c", "Release", "-o", Folder);
        }

        Package = Path.Combine(Folder, $"LeNet5.{Version}.nupkg");
        Symbols = Path.Combine(Folder, $"LeNet5.{Version}.snupkg");
    }

    /// <summary>The version the library under test carries, which the package must have.</summary>
    public string Version { get; }

    /// <summary>The folder holding the package: a local NuGet feed.</summary>
    public string Folder { get; }

    /// <summary>LeNet5.&lt;version&gt;.nupkg in <see cref="Folder"/>.</summary>
    public string Package { get; }

    /// <summary>LeNet5.&lt;version&gt;.snupkg in <see cref="Folder"/>.</summary>
    public string Symbols { get; }

    public void Dispose()
    {
        if (_temporary is not null)
        {
            try
            {
                Directory.Delete(_temporary, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Runs the <c>dotnet</c> CLI as a user would, with no build servers left behind.</summary>
internal static class DotNet
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="directory"/>; fails the test, showing the output, unless it exits 0.</summary>
    public static Result Run(string directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        Result result = RunAllowingFailure(directory, environment, timeout, arguments);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Output}");
        return result;
    }

    public static Result RunAllowingFailure(string directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under MSBuild's environment; a child build must not inherit it. Build servers that
        // outlive the command would keep its output pipes open.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes} minutes:\n{output}");
        }

        process.WaitForExit(TimeSpan.FromSeconds(10));
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }
}
