namespace LeNet5.Training;

/// <summary>
/// Turns a gradient into a parameter update. Optimisers keep their state (velocities, moments, curvature)
/// in arrays sized once, so a step allocates nothing.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Updates <paramref name="parameters"/> in place from the batch-mean <paramref name="gradients"/>.</summary>
    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate);

    /// <summary>Named state to checkpoint, so that a resumed run continues exactly.</summary>
    internal abstract IReadOnlyList<(string Name, ArraySegment<float> Values)> State { get; }

    /// <summary>A short name for reports and checkpoints.</summary>
    public abstract string Name { get; }
}
