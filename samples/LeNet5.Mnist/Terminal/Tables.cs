using System.Globalization;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;
using Spectre.Console;

namespace LeNet5.Mnist.Terminal;

/// <summary>The tables of <c>summary</c> and <c>eval</c>, drawn by Spectre.Console: on a terminal in colour, redirected as plain text.</summary>
internal static class Tables
{
    /// <summary>
    /// The console to draw on: Spectre's, except that redirected output is given 120 columns rather than its default 80,
    /// so that the confusion matrix is not squeezed in a file or a pipe.
    /// </summary>
    public static IAnsiConsole Out => s_out.Value;

    private static readonly Lazy<IAnsiConsole> s_out = new(() =>
    {
        IAnsiConsole console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
            console.Profile.Width = 120;
        return console;
    });

    /// <summary>The per-layer table of Section II-B, with the totals as its footer.</summary>
    public static Table Summary(ModelSummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).Title($"LeNet-5 ({summary.Title})")
            .AddColumn(new TableColumn("layer").Footer("total"))
            .AddColumn(new TableColumn("output"))
            .AddColumn(new TableColumn("trainable").RightAligned().Footer(summary.Trainable.ToString("N0", c)))
            .AddColumn(new TableColumn("fixed").RightAligned().Footer(summary.Fixed.ToString("N0", c)))
            .AddColumn(new TableColumn("connections").RightAligned().Footer(summary.Connections.ToString("N0", c)));
        foreach (LayerSummary layer in summary.Layers)
            table.AddRow(layer.Name, layer.OutputText, layer.Trainable.ToString("N0", c), layer.Fixed.ToString("N0", c), layer.Connections.ToString("N0", c));
        return table.ShowFooters();
    }

    /// <summary>The confusion matrix, rows true class and columns predicted, the diagonal in bold, with each class's error.</summary>
    public static Table Confusion(EvaluationResult evaluation)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).Title("confusion matrix (rows: true class, columns: predicted)")
            .AddColumn(new TableColumn("true").RightAligned());
        for (int p = 0; p < LeNet5Network.Classes; p++)
            table.AddColumn(new TableColumn(p.ToString(c)).RightAligned());
        table.AddColumn(new TableColumn("error").RightAligned());
        for (int t = 0; t < LeNet5Network.Classes; t++)
        {
            var cells = new List<string> { t.ToString(c) };
            for (int p = 0; p < LeNet5Network.Classes; p++)
            {
                int count = evaluation.Confusion[t, p];
                cells.Add(p == t ? $"[bold]{count.ToString(c)}[/]" : count == 0 ? "[grey]0[/]" : $"[yellow]{count.ToString(c)}[/]");
            }
            cells.Add(string.Create(c, $"{evaluation.ClassErrorRate(t) * 100:F2} %"));
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
