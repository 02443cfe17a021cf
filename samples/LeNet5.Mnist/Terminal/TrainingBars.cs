using LeNet5.Training;
using Spectre.Console;

namespace LeNet5.Mnist.Terminal;

/// <summary>One live bar per training pass (images done of the pass, rate, time left, running loss), fed by the trainer's reports.</summary>
internal sealed class TrainingBars(ProgressContext context) : IProgress<TrainingProgress>, IProgress<int>
{
    private ProgressTask? _task;
    private ProgressTask? _measure;
    private int _epoch;

    public void Report(TrainingProgress value)
    {
        if (_task is null || value.Epoch != _epoch)
        {
            _task?.StopTask();
            _epoch = value.Epoch;
            // One unit more than the pass's images: the bar stays (as "testing") until the pass's line is printed.
            _task = context.AddTask(Describe(value), maxValue: value.ImagesPerEpoch + 1);
        }
        _task.Description = Describe(value);
        _task.Value = value.Images;
    }

    /// <summary>Between a pass's last batch and its line: the test set (and the training error) are being measured.</summary>
    public void Measuring(string what)
    {
        if (_task is not null)
            _task.Description = Markup.Escape($"pass {_epoch}: {what}");
    }

    /// <summary>
    /// A bar of its own for a measurement of <paramref name="images"/> images after the pass (for example the training
    /// error); it goes when <see cref="MeasureDone"/> is called.
    /// </summary>
    public IProgress<int> Measure(string what, int images)
    {
        Measuring(what);
        _measure = context.AddTask(Markup.Escape($"pass {_epoch}: {what}"), maxValue: Math.Max(images, 1));
        return this;
    }

    /// <summary>The measurement started by <see cref="Measure"/> is over.</summary>
    public void MeasureDone()
    {
        if (_measure is not null)
        {
            _measure.Value = _measure.MaxValue;
            _measure.StopTask();
            _measure = null;
        }
    }

    void IProgress<int>.Report(int value)
    {
        if (_measure is not null)
            _measure.Value = value;
    }

    /// <summary>The pass's line is out: its bar goes.</summary>
    public void PassDone()
    {
        if (_task is not null)
            _task.Value = _task.MaxValue;
    }

    public void Finish() => _task?.StopTask();

    private static string Describe(TrainingProgress p) => Markup.Escape(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"pass {p.Epoch}/{p.Epochs}  loss {p.RunningLoss:F4}{(p.Images == p.ImagesPerEpoch ? "  testing" : "")}"));
}
