using System.Globalization;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>A one-line progress bar on stderr, drawn only when stderr is a terminal; reports arrive on the training thread.</summary>
internal sealed class ProgressBar : IProgress<TrainingProgress>
{
    private const int Width = 30;
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private int _drawnLength;

    public void Report(TrainingProgress value)
    {
        if (!_enabled)
            return;
        int filled = (int)((long)Width * value.Images / Math.Max(1, value.ImagesPerEpoch));
        string line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {value.Epoch}/{value.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Images:N0}/{value.ImagesPerEpoch:N0}  {value.ImagesPerSecond:N0} images/s  loss {value.RunningLoss:F4}{(value.TestErrorRate is { } error ? $"  last test error {error * 100:F2} %" : "")} ");
        // Pad over a longer line drawn before, so nothing of it is left at the end.
        Console.Error.Write("\r" + line.PadRight(_drawnLength));
        _drawnLength = Math.Max(_drawnLength, line.Length);
    }

    public void Clear()
    {
        if (_drawnLength > 0)
            Console.Error.Write("\r" + new string(' ', _drawnLength) + "\r");
        _drawnLength = 0;
    }
}
