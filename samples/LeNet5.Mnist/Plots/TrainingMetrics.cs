using LeNet5.Data;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist.Plots;

/// <summary>
/// The per-pass figures of a training run, kept in <c>&lt;model&gt;.metrics.csv</c> beside the model and rewritten after
/// every pass (a resumed run keeps the earlier passes' rows). The training error is measured after each pass on
/// the first <see cref="TrainErrorImages"/> training images, so that it costs a fraction of a pass.
/// </summary>
internal sealed class TrainingMetrics
{
    /// <summary>Training images the training error is measured on after each pass.</summary>
    public const int TrainErrorImages = 10_000;

    private readonly List<EpochMetrics> _rows;
    private readonly MnistDataset _train;

    public TrainingMetrics(string modelPath, MnistDataset train, bool resumed, int completedEpochs)
    {
        Path = PlotSet.MetricsPath(modelPath);
        _train = train;
        _rows = resumed ? MetricsFile.ReadOrEmpty(Path).Where(r => r.Epoch <= completedEpochs).ToList() : [];
    }

    public string Path { get; }

    public IReadOnlyList<EpochMetrics> Rows => _rows;

    /// <summary>The error on the first training images, as a fraction.</summary>
    public double? LastTrainError => _rows.Count == 0 ? null : _rows[^1].TrainError;

    /// <summary>Images the training error is measured on: the first <see cref="TrainErrorImages"/> (or all, if fewer).</summary>
    public int TrainErrorCount => Math.Min(TrainErrorImages, _train.Count);

    public void Add(EpochReport report, LeNet5Network network, IProgress<int>? progress = null)
    {
        double trainError = Evaluator.Evaluate(network, _train, TrainErrorImages, keepMistakes: 0, progress).ErrorRate;
        _rows.RemoveAll(r => r.Epoch >= report.Epoch);
        _rows.Add(new EpochMetrics(report.Epoch, report.TrainLoss, trainError, report.TestErrorRate, report.LearningRate, report.Seconds));
        MetricsFile.Write(Path, _rows);
    }
}
