using Spectre.Console;
using Spectre.Console.Rendering;

namespace LeNet5.Mnist.Terminal;

/// <summary>
/// Live progress bars (Spectre.Console) on a terminal: description, bar, percentage, rate and time left. Used only
/// when stdout is a terminal; redirected output keeps its plain lines.
/// </summary>
internal static class LiveProgress
{
    /// <summary>Whether to draw live bars: stdout and stderr are both a terminal.</summary>
    public static bool Enabled => !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A live display whose bars disappear when it ends, leaving the lines written above them.</summary>
    public static Progress Create(string unit) => AnsiConsole.Progress()
        .AutoClear(true)
        .HideCompleted(true)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 30 }, new PercentageColumn(),
            new RateColumn(unit), new RemainingTimeColumn(), new SpinnerColumn());

    /// <summary>"1,234 images/s", from Spectre's own speed estimate.</summary>
    private sealed class RateColumn(string unit) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
            => new Text(task.Speed is { } speed ? $"{speed,9:N0} {unit}/s" : new string(' ', 10 + unit.Length), new Style(Color.Grey));
    }
}
