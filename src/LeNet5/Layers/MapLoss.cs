using System.Runtime.CompilerServices;
namespace LeNet5.Layers;

/// <summary>
/// The paper's discriminative MAP criterion (Section II-C, eq. 9) over RBF outputs y (penalties):
/// E = y_D + log(e^(−j) + Σ_i e^(−y_i)), D the correct class. The first term pulls the correct penalty
/// down; the second pushes the others up, but only while they are below about j, so j acts as a margin
/// and keeps the RBF centres from collapsing. dE/dy_i = δ_iD − e^(−y_i) / (e^(−j) + Σ_k e^(−y_k)).
/// Prediction is the smallest penalty.
/// </summary>
internal sealed class MapLoss : ILossHead
{
    public MapLoss(double j)
    {
        if (!(j > 0) || double.IsInfinity(j))
            throw new ArgumentOutOfRangeException(nameof(j), j, "The MAP constant j must be a positive finite number.");
        J = j;
    }

    /// <summary>The constant j of eq. 9.</summary>
    public double J { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Loss(ReadOnlySpan<float> output, int label, Span<float> gradient)
    {
        // Accumulated in double: ten exponentials per sample cost nothing, and the log-sum-exp stays exact.
        double shift = -J;
        for (int i = 0; i < output.Length; i++)
            shift = Math.Max(shift, -output[i]);
        double total = Math.Exp(-J - shift);
        for (int i = 0; i < output.Length; i++)
            total += Math.Exp(-output[i] - shift);
        for (int i = 0; i < output.Length; i++)
            gradient[i] = (float)((i == label ? 1 : 0) - (Math.Exp(-output[i] - shift) / total));
        return (float)(output[label] + shift + Math.Log(total));
    }

    /// <summary>
    /// Keeps the correct class's penalty, with weight 1, and drops the log-sum-exp term, as Appendix C does:
    /// E ≈ y_D, whose curvature in F6's outputs is 2 each (the RBF layer turns the weight into that).
    /// </summary>
    public void Curvature(ReadOnlySpan<float> output, int label, Span<float> curvature)
    {
        curvature[..output.Length].Clear();
        curvature[label] = 1f;
    }

    /// <summary>Penalties: the smaller is the better, so a mistake's margin is y_true − y_chosen.</summary>
    public float Margin(float truth, float chosen) => truth - chosen;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Predict(ReadOnlySpan<float> output)
    {
        int best = 0;
        for (int i = 1; i < output.Length; i++)
        {
            if (output[i] < output[best])
                best = i;
        }

        return best;
    }
}
