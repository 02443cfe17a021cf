using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>
/// Activations applied in place after a layer, and their backward step, which multiplies the gradient by
/// f'(a) computed from the stored output y = f(a) (so the pre-activation never needs to be kept). Each activation is
/// an operator struct (<see cref="IActivationOp"/>, <see cref="IDerivativeProduct"/>) the kernels are generic over;
/// the model's <c>Activation</c> enum is mapped to them in one place, <c>Layers/ActivationDispatch.cs</c>.
/// </summary>
internal static class ActivationKernels
{
    /// <summary>A of the squash f(a) = A·tanh(S·a) (paper, Appendix A).</summary>
    public const float SquashAmplitude = 1.7159f;

    /// <summary>S of the squash f(a) = A·tanh(S·a) (paper, Appendix A).</summary>
    public const float SquashSlope = 2f / 3f;

    /// <summary>
    /// values ← f(values) for a kernel's finished outputs, in L1 (nothing for <see cref="IdentityOp"/>). Not in registers
    /// before the store: the tanh's fifteen constants, hoisted by the JIT, would push a kernel's accumulators out of
    /// registers (measured: loops 2–3× slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Forward<TOp>(Span<float> values) where TOp : struct, IActivationOp
    {
        if (typeof(TOp) != typeof(IdentityOp))
            AffineForward<TOp>(values, 1f, 0f);
    }

    internal static void AffineForward<TOp>(Span<float> values, float scale, float shift) where TOp : struct, IActivationOp
    {
        switch (Simd.WidthFor(values.Length))
        {
            case 16: AffineForward<TOp, Vec512>(values, scale, shift); break;
            case 8: AffineForward<TOp, Vec256>(values, scale, shift); break;
            case 4: AffineForward<TOp, Vec128>(values, scale, shift); break;
            default: AffineForward<TOp, Vec32>(values, scale, shift); break;
        }
    }

    /// <summary>The overlapping last vector is computed from the original values first and stored last, so no lane is transformed twice.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void AffineForward<TOp, TVec>(Span<float> values, float scale, float shift)
        where TOp : struct, IActivationOp
        where TVec : struct, ISimdVector<TVec>
    {
        int length = values.Length;
        if (length == 0)
            return;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, length, "vector width");
        ref float v = ref Simd.Ref(values);
        nint last = length - TVec.Count;
        if (scale == 1f && BitConverter.SingleToInt32Bits(shift) == 0)
        {
            // a·1 + 0 is a + 0 for every a (−0 to +0, a NaN kept), so f's argument has the same bits from an add,
            // which runs beside the squash's multiply-adds instead of among them.
            TVec unitTail = TOp.Invoke(TVec.Add(TVec.Load(ref v, last), TVec.Zero));
            for (nint i = 0; i < last; i += TVec.Count)
                TVec.Store(TOp.Invoke(TVec.Add(TVec.Load(ref v, i), TVec.Zero)), ref v, i);
            TVec.Store(unitTail, ref v, last);
            return;
        }
        TVec a = TVec.Broadcast(scale), b = TVec.Broadcast(shift);
        TVec tail = TOp.Invoke(TVec.MultiplyAdd(TVec.Load(ref v, last), a, b));
        for (nint i = 0; i < last; i += TVec.Count)
            TVec.Store(TOp.Invoke(TVec.MultiplyAdd(TVec.Load(ref v, i), a, b)), ref v, i);
        TVec.Store(tail, ref v, last);
    }

    /// <summary>gradient ← TOp(outputs, gradient): gradient · f'(a), where outputs holds y = f(a).</summary>
    internal static void Apply<TOp>(ReadOnlySpan<float> outputs, Span<float> gradient) where TOp : struct, IDerivativeProduct
    {
        switch (Simd.WidthFor(gradient.Length))
        {
            case 16: Apply<TOp, Vec512>(outputs, gradient); break;
            case 8: Apply<TOp, Vec256>(outputs, gradient); break;
            case 4: Apply<TOp, Vec128>(outputs, gradient); break;
            default: Apply<TOp, Vec32>(outputs, gradient); break;
        }
    }

    /// <summary>
    /// gradient[i] ← TOp(outputs[i], gradient[i]). The last, overlapping vector is computed from the original
    /// values before the loop and stored after it, so the lanes it shares are not updated twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>An activation applied to a vector of pre-activations: fused into the kernels that produce them.</summary>
    internal interface IActivationOp
    {
        static abstract TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec>;
    }

    /// <summary>No activation: the input-gradient correlations and the Modern output.</summary>
    internal readonly struct IdentityOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec> => a;
    }

    /// <summary>The paper's squash f(a) = A·tanh(S·a), A = 1.7159, S = 2/3 (Appendix A).</summary>
    internal readonly struct ScaledTanhOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec>
            => TVec.Multiply(TVec.Broadcast(SquashAmplitude), RationalTanh(TVec.Multiply(a, TVec.Broadcast(SquashSlope))));
    }

    internal readonly struct TanhOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec> => RationalTanh(a);
    }

    /// <summary>max(0, a). Zero first: x86's max returns its second operand when a lane is NaN, so NaN stays NaN at every width.</summary>
    internal readonly struct ReLUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec> => TVec.Max(TVec.Zero, a);
    }

    /// <summary>
    /// tanh as a rational function, p(x)/q(x) with p odd of degree 13 and q even of degree 6, on x clamped to
    /// ±7.9053 (where tanh is 1 to float precision): the minimax fit Eigen uses for float. It needs only
    /// multiply-adds and one division, so it runs inside the kernels that produce x, on values still in registers;
    /// its largest error on every multiple of 2⁻¹² in ±12 is 2.7·10⁻⁷ (about two units in the last place of 1). A NaN or
    /// infinite x gives NaN (the x·0 term), so a diverging network is still seen as one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec RationalTanh<TVec>(TVec x) where TVec : struct, ISimdVector<TVec>
    {
        var clamped = TVec.Min(TVec.Max(x, TVec.Broadcast(-7.90531110763549805f)), TVec.Broadcast(7.90531110763549805f));
        var x2 = TVec.Multiply(clamped, clamped);
        var p = TVec.MultiplyAdd(x2, TVec.Broadcast(-2.76076847742355e-16f), TVec.Broadcast(2.00018790482477e-13f));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(-8.60467152213735e-11f));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(5.12229709037114e-08f));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(1.48572235717979e-05f));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(6.37261928875436e-04f));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(4.89352455891786e-03f));
        p = TVec.Multiply(p, clamped);
        var q = TVec.MultiplyAdd(x2, TVec.Broadcast(1.19825839466702e-06f), TVec.Broadcast(1.18534705686654e-04f));
        q = TVec.MultiplyAdd(q, x2, TVec.Broadcast(2.26843463243900e-03f));
        q = TVec.MultiplyAdd(q, x2, TVec.Broadcast(4.89352518554385e-03f));
        return TVec.MultiplyAdd(x, TVec.Zero, TVec.Divide(p, q));
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
