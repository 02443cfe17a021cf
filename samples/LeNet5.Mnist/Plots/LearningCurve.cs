using ScottPlot;

namespace LeNet5.Mnist.Plots;

/// <summary>The learning curve: test and training error (left axis, %) and the training loss (right axis) per pass, drawn by ScottPlot.</summary>
internal static class LearningCurve
{
    public const int Width = 900;
    public const int Height = 520;

    public static byte[] Render(IReadOnlyList<EpochMetrics> rows, string lossName, string trainErrorName)
    {
        var plot = new Plot();
        if (Fonts.RegisterWithScottPlot())
            plot.Font.Set(Fonts.FamilyName);
        double[] epochs = rows.Select(r => (double)r.Epoch).ToArray();
        AddSeries(plot, rows, r => r.TestError * 100, "test error (%)", Colors.C1, plot.Axes.Left);
        AddSeries(plot, rows, r => r.TrainError * 100, trainErrorName, Colors.C0, plot.Axes.Left);
        var loss = plot.Add.Scatter(epochs, rows.Select(r => r.TrainLoss).ToArray());
        loss.LegendText = $"training loss ({lossName}, right axis)";
        loss.Color = Colors.Gray;
        loss.LinePattern = LinePattern.Dashed;
        loss.MarkerSize = 6;
        loss.Axes.YAxis = plot.Axes.Right;
        plot.Title("Learning curve");
        plot.Axes.Bottom.Label.Text = "pass";
        plot.Axes.Left.Label.Text = "error (%)";
        plot.Axes.Right.Label.Text = "loss per image";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(0.5, Math.Max(epochs.LastOrDefault(), 1) + 0.5);
        double top = rows.SelectMany(r => new[] { r.TestError, r.TrainError }).Where(e => e is not null).Select(e => e!.Value * 100).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, top * 1.1, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, rows.Select(r => r.TrainLoss).DefaultIfEmpty(1).Max() * 1.1, plot.Axes.Right);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void AddSeries(Plot plot, IReadOnlyList<EpochMetrics> rows, Func<EpochMetrics, double?> value, string name, Color colour, IYAxis axis)
    {
        var points = rows.Where(r => value(r) is not null).ToArray();
        if (points.Length == 0)
            return;
        var series = plot.Add.Scatter(points.Select(r => (double)r.Epoch).ToArray(), points.Select(r => value(r)!.Value).ToArray());
        series.LegendText = name;
        series.Color = colour;
        series.LineWidth = 2;
        series.MarkerSize = 7;
        series.Axes.YAxis = axis;
    }
}
