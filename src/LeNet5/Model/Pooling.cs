namespace LeNet5.Model;

/// <summary>The parameter-free pooling of <see cref="Architecture.Modern"/>.</summary>
public enum Pooling
{
    /// <summary>Mean of each non-overlapping 2×2 window.</summary>
    Average,

    /// <summary>Maximum of each non-overlapping 2×2 window (the first maximum in row-major order receives the gradient).</summary>
    Max,
}
