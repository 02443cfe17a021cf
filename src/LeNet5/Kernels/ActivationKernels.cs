using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LeNet5.Model;

namespace LeNet5.Kernels;

/// <summary>
/// Activations applied in place after a layer, and their backward step, which multiplies the gradient by
/// f'(a) computed from the stored output y = f(a) (so the pre-activation never needs to be kept).
/// </summary>
internal static class ActivationKernels
{
    /// <summary>A of the squash f(a) = A·tanh(S·a) (paper, Appendix A).</summary>
    public const float SquashAmplitude = 1.7159f;

    /// <summary>S of the squash f(a) = A·tanh(S·a) (paper, Appendix A).</summary>
    public const float SquashSlope = 2f / 3f;

    /// <summary>values ← f(values).</summary>
    public static void Forward(Activation activation, Span<float> values)
    {
        switch (activation)
        {
            case Activation.ScaledTanh:
                TensorPrimitives.Multiply(values, SquashSlope, values);
                TensorPrimitives.Tanh(values, values);
                TensorPrimitives.Multiply(values, SquashAmplitude, values);
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.ReLU:
                TensorPrimitives.Max(values, 0f, values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>gradient ← gradient · f'(a), where outputs holds y = f(a).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> outputs, Span<float> gradient)
    {
        switch (activation)
        {
            case Activation.ScaledTanh: Apply<SquashDerivative>(outputs, gradient); break;
            case Activation.Tanh: Apply<TanhDerivative>(outputs, gradient); break;
            case Activation.ReLU: Apply<ReLUDerivative>(outputs, gradient); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>Scalar, double-precision f(a): the reference path.</summary>
    public static double Reference(Activation activation, double a) => activation switch
    {
        Activation.ScaledTanh => SquashAmplitude * Math.Tanh(SquashSlope * a),
        Activation.Tanh => Math.Tanh(a),
        Activation.ReLU => Math.Max(a, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>Scalar, double-precision f'(a) from y = f(a): the reference path.</summary>
    public static double ReferenceDerivative(Activation activation, double y) => activation switch
    {
        Activation.ScaledTanh => (double)SquashSlope / SquashAmplitude * (((double)SquashAmplitude * SquashAmplitude) - (y * y)),
        Activation.Tanh => 1 - (y * y),
        Activation.ReLU => y > 0 ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    internal static void Apply<TOp>(ReadOnlySpan<float> outputs, Span<float> gradient) where TOp : struct, IDerivativeProduct
    {
        switch (Simd.WidthFor(gradient.Length))
        {
            case 16: Apply<TOp, Vec512>(outputs, gradient); break;
            case 8: Apply<TOp, Vec256>(outputs, gradient); break;
            case 4: Apply<TOp, Vec128>(outputs, gradient); break;
            default: Apply<TOp, Vec1>(outputs, gradient); break;
        }
    }

    /// <summary>
    /// gradient[i] ← TOp(outputs[i], gradient[i]). The last, overlapping vector is computed from the original
    /// values before the loop and stored after it, so the lanes it shares are not updated twice.
    /// </summary>
    internal static void Apply<TOp, TVec>(ReadOnlySpan<float> outputs, Span<float> gradient)
        where TOp : struct, IDerivativeProduct
        where TVec : struct, ISimdVector<TVec>
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(outputs.Length, gradient.Length, nameof(outputs));
        int length = gradient.Length;
        if (length == 0)
            return;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, length, "vector width");
        ref float y = ref Simd.Ref(outputs);
        ref float g = ref Simd.Ref(gradient);
        nint last = length - TVec.Count;
        TVec tail = TOp.Invoke(TVec.Load(ref y, last), TVec.Load(ref g, last));
        for (nint i = 0; i < last; i += TVec.Count)
            TVec.Store(TOp.Invoke(TVec.Load(ref y, i), TVec.Load(ref g, i)), ref g, i);
        TVec.Store(tail, ref g, last);
    }

    internal interface IDerivativeProduct
    {
        static abstract TVec Invoke<TVec>(TVec output, TVec gradient) where TVec : struct, ISimdVector<TVec>;
    }

    /// <summary>g · (S/A)·(A² − y²): the squash's derivative written in terms of its output.</summary>
    internal readonly struct SquashDerivative : IDerivativeProduct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec output, TVec gradient) where TVec : struct, ISimdVector<TVec>
        {
            var derivative = TVec.Subtract(TVec.Broadcast(SquashAmplitude * SquashAmplitude), TVec.Multiply(output, output));
            return TVec.Multiply(gradient, TVec.Multiply(derivative, TVec.Broadcast(SquashSlope / SquashAmplitude)));
        }
    }

    /// <summary>g · (1 − y²).</summary>
    internal readonly struct TanhDerivative : IDerivativeProduct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec output, TVec gradient) where TVec : struct, ISimdVector<TVec>
            => TVec.Multiply(gradient, TVec.Subtract(TVec.Broadcast(1f), TVec.Multiply(output, output)));
    }

    /// <summary>g where y &gt; 0, else 0.</summary>
    internal readonly struct ReLUDerivative : IDerivativeProduct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec output, TVec gradient) where TVec : struct, ISimdVector<TVec>
            => TVec.WhereGreaterThanZero(output, gradient);
    }
}
