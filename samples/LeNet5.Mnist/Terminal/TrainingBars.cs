using Spectre.Console;
using LeNet5.Training;

namespace LeNet5.Mnist.Terminal;

/// <summary>One live bar per training pass (images done of the pass, rate, time left, running loss), fed by the trainer's reports.</summary>
internal sealed class TrainingBars(ProgressContext context) : IProgress<TrainingProgress>
{
    private ProgressTask? _task;
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
