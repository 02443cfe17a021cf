using System.CommandLine;
using LeNet5.Data;
using LeNet5.Mnist.Terminal;

namespace LeNet5.Mnist.Data;

/// <summary><c>lenet5 download [--data DIR]</c>: makes sure the four MNIST files are in the data folder, verified.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var data = new Option<string?>(Cli.DataOptionName)
        {
            Description = $"The data folder (default: ${DataDirectory.EnvironmentVariable}, else the per-user cache)",
        };
        var command = new Command("download", "Download the four MNIST files into the data folder (if missing) and check their SHA-256");
        command.Options.Add(data);
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(data), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? dataDir, CancellationToken cancellationToken)
    {
        TextWriter error = Console.Error;
        try
        {
            string directory = DataDirectory.Resolve(dataDir);
            await error.WriteLineAsync($"Data folder: {directory} ({DataDirectory.Origin(dataDir, explicitSource: Cli.DataOptionName)})").ConfigureAwait(false);

            // Files already there are checked too: a damaged file is reported, not silently used or replaced.
            foreach (DatasetFile file in MnistFileSet.All)
            {
                if (file.Find(directory) is string present
                    && await DatasetDownloader.CheckAsync(present, file, cancellationToken).ConfigureAwait(false) is string problem)
                {
                    await error.WriteLineAsync($"lenet5: {present} is not MNIST's {file.Name}: {problem.TrimEnd('.')}. Delete it and run again (a different dataset, such as Fashion-MNIST, needs no download).").ConfigureAwait(false);
                    return 1;
                }
            }

            directory = await DownloadBars.EnsureMnistAsync(dataDir, cancellationToken).ConfigureAwait(false);
            await error.WriteLineAsync("MNIST is ready: 4 files, SHA-256 verified.").ConfigureAwait(false);
            await Console.Out.WriteLineAsync(directory).ConfigureAwait(false);
            return 0;
        }
        catch (DatasetUnavailableException ex)
        {
            await error.WriteLineAsync($"lenet5: {MnistFiles.Explain(ex, dataDir)}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("lenet5: cancelled; nothing partial was left in the data folder.").ConfigureAwait(false);
            return 130;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync($"lenet5: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
