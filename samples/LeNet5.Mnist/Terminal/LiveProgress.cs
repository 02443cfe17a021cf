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

    /// <summary>A live display for downloads: description, bar, percentage, bytes done of total, transfer rate and time left.</summary>
    public static Progress CreateForBytes() => AnsiConsole.Progress()
        .AutoClear(true)
        .HideCompleted(true)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 30 }, new PercentageColumn(),
            new DownloadedColumn { Base = FileSizeBase.Decimal, Culture = System.Globalization.CultureInfo.InvariantCulture }, new TransferSpeedColumn { Base = FileSizeBase.Decimal, Culture = System.Globalization.CultureInfo.InvariantCulture }, new RemainingTimeColumn(), new SpinnerColumn());

    /// <summary>
    /// Runs <paramref name="evaluate"/> (given a progress sink for images done) under one live bar of
    /// <paramref name="images"/> images when bars are <see cref="Enabled"/>, else with no progress at all.
    /// </summary>
    public static T Evaluate<T>(string description, int images, Func<IProgress<int>?, T> evaluate)
    {
        if (!Enabled)
            return evaluate(null);
        T result = default!;
        Create("images").Start(context =>
        {
            var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(images, 1));
            result = evaluate(new TaskProgress(task));
            task.Value = task.MaxValue;
            task.StopTask();
        });
        return result;
    }

    /// <summary>Sets a task's value to the count reported (synchronously, no allocation).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }

    /// <summary>"1,234 images/s", from Spectre's own speed estimate.</summary>
    private sealed class RateColumn(string unit) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
            => new Text(task.Speed is { } speed ? $"{speed,9:N0} {unit}/s" : new string(' ', 10 + unit.Length), new Style(Color.Grey));
    }
}
