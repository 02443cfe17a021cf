namespace LeNet5.Training;

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
