using LeNet5.Layers;

namespace LeNet5.Tests.Reference;

/// <summary>The loss heads in double precision, computed independently of their float paths (no shifted exponentials).</summary>
internal static class LossHeadReference
{
    /// <summary>The loss of one sample; writes dE/d(output) into <paramref name="gradient"/>.</summary>
    public static double LossReference(this ILossHead head, ReadOnlySpan<double> output, int label, Span<double> gradient) => head switch
    {
        MapLoss map => Map(map.J, output, label, gradient),
        SoftmaxCrossEntropyLoss => SoftmaxCrossEntropy(output, label, gradient),
        _ => throw new ArgumentException($"No reference for {head.GetType().Name}.", nameof(head)),
    };

    /// <summary>Eq. 9: E = y_D + log(e^(−j) + Σ_i e^(−y_i)).</summary>
    private static double Map(double j, ReadOnlySpan<double> output, int label, Span<double> gradient)
    {
        double denominator = Math.Exp(-j);
        for (int i = 0; i < output.Length; i++)
            denominator += Math.Exp(-output[i]);
        for (int i = 0; i < output.Length; i++)
            gradient[i] = (i == label ? 1 : 0) - (Math.Exp(-output[i]) / denominator);
        return output[label] + Math.Log(denominator);
    }

    /// <summary>E = −z_D + log Σ_i e^(z_i).</summary>
    private static double SoftmaxCrossEntropy(ReadOnlySpan<double> output, int label, Span<double> gradient)
    {
        double total = 0;
        for (int i = 0; i < output.Length; i++)
            total += Math.Exp(output[i]);
        for (int i = 0; i < output.Length; i++)
            gradient[i] = (Math.Exp(output[i]) / total) - (i == label ? 1 : 0);
        return Math.Log(total) - output[label];
    }
}
