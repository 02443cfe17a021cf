using System.Runtime.CompilerServices;
namespace LeNet5.Layers;

/// <summary>
/// Softmax cross-entropy over logits z, the Modern network's loss: E = −z_D + log Σ_i e^(z_i),
/// dE/dz_i = softmax(z)_i − δ_iD. Prediction is the largest logit.
/// </summary>
internal sealed class SoftmaxCrossEntropyLoss : ILossHead
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Loss(ReadOnlySpan<float> output, int label, Span<float> gradient)
    {
        var (max, total) = ShiftedSum(output);
        for (int i = 0; i < output.Length; i++)
            gradient[i] = (float)((Math.Exp(output[i] - max) / total) - (i == label ? 1 : 0));
        return (float)(max + Math.Log(total) - output[label]);
    }

    /// <summary>d²E/dz_i² = p_i·(1 − p_i), the diagonal of the softmax cross-entropy Hessian (which is its own Gauss-Newton matrix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Curvature(ReadOnlySpan<float> output, int label, Span<float> curvature)
    {
        var (max, total) = ShiftedSum(output);
        for (int i = 0; i < output.Length; i++)
        {
            double p = Math.Exp(output[i] - max) / total;
            curvature[i] = (float)(p * (1 - p));
        }
    }

    /// <summary>The largest logit m and Σ_i e^(z_i − m): the softmax without overflow, in double.</summary>
    private static (double Max, double Total) ShiftedSum(ReadOnlySpan<float> output)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < output.Length; i++)
            max = Math.Max(max, output[i]);
        double total = 0;
        for (int i = 0; i < output.Length; i++)
            total += Math.Exp(output[i] - max);
        return (max, total);
    }

    /// <summary>Logits: the larger is the better, so a mistake's margin is z_chosen − z_true.</summary>
    public float Margin(float truth, float chosen) => chosen - truth;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Predict(ReadOnlySpan<float> output)
    {
        int best = 0;
        for (int i = 1; i < output.Length; i++)
        {
            if (output[i] > output[best])
                best = i;
        }

        return best;
    }
}
