using System.Diagnostics;
using System.Globalization;
using LeNet5.Data;

namespace LeNet5.Mnist.Data;

/// <summary>
/// Renders download progress on a text writer (stderr): on a terminal, one line per file updated in place; when
/// redirected, a line per attempt, failure and completed file only.
/// </summary>
internal sealed class ConsoleDownloadProgress(TextWriter writer, bool interactive) : IProgress<DownloadProgress>
{
    private readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();
    private bool _lineOpen;

    /// <summary>For stderr: interactive when stderr is a terminal.</summary>
    public static ConsoleDownloadProgress ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(DownloadProgress value)
    {
        switch (value.Stage)
        {
            case DownloadStage.Started:
                WriteLine($"{value.FileName}: downloading from {value.Source}");
                break;
            case DownloadStage.Receiving when interactive && (_sinceDrawn.ElapsedMilliseconds >= 100 || value.BytesReceived == value.TotalBytes):
                _sinceDrawn.Restart();
                string percent = value.TotalBytes is long total && total > 0
                    ? string.Create(CultureInfo.InvariantCulture, $" {100.0 * value.BytesReceived / total,5:0.0} % of {Size(total)}")
                    : string.Empty;
                writer.Write($"\r  {Size(value.BytesReceived)}{percent}   ");
                _lineOpen = true;
                break;
            case DownloadStage.Failed:
                WriteLine($"  failed: {value.Message}");
                break;
            case DownloadStage.Completed:
                WriteLine($"  {Size(value.BytesReceived)}, SHA-256 verified");
                break;
            default:
                break;
        }
    }

    private static string Size(long bytes) => bytes < 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

    private void WriteLine(string line)
    {
        if (_lineOpen)
        {
            writer.WriteLine();
            _lineOpen = false;
        }

        writer.WriteLine(line);
    }
}
