using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Tests.Reference;

/// <summary>The activations in scalar double precision: what the SIMD kernels of <see cref="ActivationKernels"/> are held to.</summary>
internal static class ReferenceActivation
{
    /// <summary>f(a).</summary>
    public static double Forward(Activation activation, double a) => activation switch
    {
        Activation.ScaledTanh => ActivationKernels.SquashAmplitude * Math.Tanh(ActivationKernels.SquashSlope * a),
        Activation.Tanh => Math.Tanh(a),
        Activation.ReLU => Math.Max(a, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>f'(a) from y = f(a).</summary>
    public static double Derivative(Activation activation, double y) => activation switch
    {
        Activation.ScaledTanh => (double)ActivationKernels.SquashSlope / ActivationKernels.SquashAmplitude
            * (((double)ActivationKernels.SquashAmplitude * ActivationKernels.SquashAmplitude) - (y * y)),
        Activation.Tanh => 1 - (y * y),
        Activation.ReLU => y > 0 ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>values ← f(values), or unchanged for no activation.</summary>
    public static void Apply(Activation? activation, Span<double> values)
    {
        if (activation is { } f)
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = Forward(f, values[i]);
        }
    }

    /// <summary>dL/d(pre-activation) from dL/d(output) and the stored outputs.</summary>
    public static double[] PreActivationGradient(Activation? activation, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
    {
        var result = outputGradient.ToArray();
        if (activation is { } f)
        {
            for (int i = 0; i < result.Length; i++)
                result[i] *= Derivative(f, output[i]);
        }
        return result;
    }
}
