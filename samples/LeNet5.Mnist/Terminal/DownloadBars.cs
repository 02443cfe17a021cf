using System.Globalization;
using LeNet5.Data;
using LeNet5.Mnist.Data;
using Spectre.Console;

namespace LeNet5.Mnist.Terminal;

/// <summary>
/// Live download bars: one per file (per attempt), with bytes received of the total, transfer rate and time left. The
/// attempt, failure and completion lines are written above the bars, as the plain progress writes them.
/// </summary>
internal sealed class DownloadBars(ProgressContext context) : IProgress<DownloadProgress>
{
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// The MNIST folder, downloading what is missing: with live bars when they are <see cref="LiveProgress.Enabled"/>
    /// and something is missing, else with the plain progress lines on stderr.
    /// </summary>
    public static async Task<string> EnsureMnistAsync(string? dataDir, CancellationToken cancellationToken)
    {
        if (!LiveProgress.Enabled || MnistFileSet.Missing(DataDirectory.Resolve(dataDir)).Count == 0)
            return await MnistFiles.EnsureAsync(dataDir, ConsoleDownloadProgress.ForStandardError(), cancellationToken).ConfigureAwait(false);
        string directory = string.Empty;
        await LiveProgress.CreateForBytes().StartAsync(async context =>
            directory = await MnistFiles.EnsureAsync(dataDir, new DownloadBars(context), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return directory;
    }

    public void Report(DownloadProgress value)
    {
        lock (_gate)
        {
            switch (value.Stage)
            {
                case DownloadStage.Started:
                    // A new attempt gets a new bar: the rate and time left of a failed mirror say nothing about the next.
                    if (_tasks.Remove(value.FileName, out var previous))
                        previous.StopTask();
                    AnsiConsole.WriteLine($"{value.FileName}: downloading from {value.Source}");
                    var task = context.AddTask(Markup.Escape(value.FileName), maxValue: 1);
                    task.IsIndeterminate = true;
                    _tasks[value.FileName] = task;
                    break;
                case DownloadStage.Receiving when _tasks.TryGetValue(value.FileName, out var receiving):
                    if (value.TotalBytes is long total && total > 0)
                    {
                        receiving.IsIndeterminate = false;
                        receiving.MaxValue = total;
                    }
                    else
                    {
                        // No announced length: keep the bar open (indeterminate) a byte beyond what has arrived.
                        receiving.MaxValue = value.BytesReceived + 1;
                    }
                    receiving.Value = value.BytesReceived;
                    break;
                case DownloadStage.Verifying when _tasks.TryGetValue(value.FileName, out var verifying):
                    verifying.Description = Markup.Escape($"{value.FileName}: checking SHA-256");
                    break;
                case DownloadStage.Failed:
                    if (_tasks.Remove(value.FileName, out var failed))
                        failed.StopTask();
                    AnsiConsole.WriteLine($"  failed: {value.Message}");
                    break;
                case DownloadStage.Completed:
                    if (_tasks.Remove(value.FileName, out var completed))
                    {
                        completed.Value = completed.MaxValue;
                        completed.StopTask();
                    }
                    AnsiConsole.WriteLine($"  {value.FileName}: {Size(value.BytesReceived)}, SHA-256 verified");
                    break;
                default:
                    break;
            }
        }
    }

    private static string Size(long bytes) => bytes < 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");
}
