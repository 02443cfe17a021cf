using System.Globalization;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>A one-line progress bar on stderr, drawn only when stderr is a terminal; reports arrive on the training thread.</summary>
internal sealed class ProgressBar : IProgress<TrainingProgress>
{
    private const int Width = 30;
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private bool _drawn;

    public void Report(TrainingProgress value)
    {
        if (!_enabled)
            return;
        int filled = (int)((long)Width * value.Images / Math.Max(1, value.ImagesPerEpoch));
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\repoch {value.Epoch}/{value.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Images:N0}/{value.ImagesPerEpoch:N0}  {value.ImagesPerSecond:N0} images/s  loss {value.RunningLoss:F4}{(value.TestErrorRate is { } error ? $"  last test error {error * 100:F2} %" : "")} "));
        _drawn = true;
    }

    public void Clear()
    {
        if (_drawn)
            Console.Error.Write("\r" + new string(' ', Width + 115) + "\r");
        _drawn = false;
    }
}
