using System.Globalization;
using System.Text;

namespace LeNet5.Mnist.Plots;

/// <summary>One pass of a training run as <c>metrics.csv</c> keeps it; error rates are fractions.</summary>
/// <param name="Epoch">The pass, from 1.</param>
/// <param name="TrainLoss">Mean loss per training image over the pass.</param>
/// <param name="TrainError">Error on (the first images of) the training set after the pass, when measured.</param>
/// <param name="TestError">Test error after the pass, when there is a test set.</param>
/// <param name="LearningRate">The pass's global learning rate.</param>
/// <param name="Seconds">Wall time of the pass's training.</param>
internal sealed record EpochMetrics(int Epoch, double TrainLoss, double? TrainError, double? TestError, float LearningRate, double Seconds);

/// <summary><c>metrics.csv</c>: <c>epoch,train_loss,train_error,test_error,learning_rate,seconds</c>, one line per pass, an empty field for what was not measured.</summary>
internal static class MetricsFile
{
    public const string Header = "epoch,train_loss,train_error,test_error,learning_rate,seconds";

    public static string Format(IEnumerable<EpochMetrics> rows)
    {
        var text = new StringBuilder().Append(Header).Append('\n');
        var c = CultureInfo.InvariantCulture;
        foreach (var r in rows)
        {
            text.Append(c, $"{r.Epoch},{r.TrainLoss:R},{Optional(r.TrainError)},{Optional(r.TestError)},{r.LearningRate:R},{r.Seconds:0.###}").Append('\n');
        }
        return text.ToString();
    }

    public static void Write(string path, IEnumerable<EpochMetrics> rows) => AtomicFile.WriteAllText(path, Format(rows));

    /// <summary>The rows of an earlier run's file, to continue it on <c>--resume</c>; none when there is no file or it is not one of ours.</summary>
    public static List<EpochMetrics> ReadOrEmpty(string path)
    {
        var rows = new List<EpochMetrics>();
        if (!File.Exists(path))
            return rows;
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
            return rows;
        var c = CultureInfo.InvariantCulture;
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(',');
            if (f.Length != 6 || !int.TryParse(f[0], c, out int epoch) || !double.TryParse(f[1], c, out double loss)
                || !float.TryParse(f[4], c, out float rate) || !double.TryParse(f[5], c, out double seconds))
            {
                return [];
            }

            rows.Add(new EpochMetrics(epoch, loss, Parse(f[2]), Parse(f[3]), rate, seconds));
        }
        return rows;
    }

    private static string Optional(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static double? Parse(string field) => double.TryParse(field, CultureInfo.InvariantCulture, out double v) ? v : null;
}
