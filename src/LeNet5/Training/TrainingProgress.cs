namespace LeNet5.Training;

/// <summary>Where a training run is, reported through <see cref="IProgress{T}"/> a few times a second and at the end of each pass.</summary>
/// <param name="Epoch">The pass, from 1.</param>
/// <param name="Epochs">Passes in the run.</param>
/// <param name="Batch">Minibatches finished so far in this pass, from 1.</param>
/// <param name="Batches">Minibatches in a pass.</param>
/// <param name="Images">Images seen so far in this pass.</param>
/// <param name="ImagesPerEpoch">Images in a pass.</param>
/// <param name="ImagesPerSecond">Training speed in this pass so far.</param>
/// <param name="RunningLoss">Mean loss per image in this pass so far.</param>
/// <param name="LearningRate">The global learning rate of this pass.</param>
/// <param name="TestErrorRate">The test error after the previous pass, as a fraction; null before the first evaluation of this run.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, int Images, int ImagesPerEpoch, double ImagesPerSecond, double RunningLoss,
    float LearningRate, double? TestErrorRate);

/// <summary>The result of one pass.</summary>
/// <param name="Epoch">The pass, from 1.</param>
/// <param name="TrainLoss">Mean loss per training image over the pass.</param>
/// <param name="TestErrorRate">Test error as a fraction, or null without a test set.</param>
/// <param name="Seconds">Wall time of the pass's training (curvature estimate included, evaluation not).</param>
/// <param name="ImagesPerSecond">Training images per second.</param>
/// <param name="LearningRate">The global learning rate used.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, double? TestErrorRate, double Seconds, double ImagesPerSecond, float LearningRate);

/// <summary>Training stopped because the loss or the weights stopped being finite.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for pass <paramref name="epoch"/> and batch <paramref name="batch"/> (both from 1).</summary>
    public TrainingDivergedException(int epoch, int batch, string what)
        : base(batch > 0
            ? $"Training diverged: {what} in epoch {epoch}, batch {batch}. Try a smaller learning rate."
            : $"Training diverged: {what} at the end of epoch {epoch}. Try a smaller learning rate.")
    {
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>The pass it happened in, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch it happened in, from 1 (0: at the end of the pass).</summary>
    public int Batch { get; }
}
