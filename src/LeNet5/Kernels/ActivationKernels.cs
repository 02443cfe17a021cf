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

    /// <summary>
    /// The overlapping last vector is computed from the original values first and stored last, so no lane is transformed
    /// twice. Vectors four at a time (<see cref="IActivationOp.Invoke4"/>), then one at a time. The unit affine and the
    /// general one are separate instantiations of one loop (<see cref="UnitAffine"/>, <see cref="Affine"/>):
    /// with both in one method body, the JIT's inlining budget ran out and the squash's vector operations became calls
    /// (a forward pass 25 % slower).
    /// </summary>
    internal static void AffineForward<TOp, TVec>(Span<float> values, float scale, float shift)
        where TOp : struct, IActivationOp
        where TVec : struct, ISimdVector<TVec>
    {
        if (values.Length == 0)
            return;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, values.Length, "vector width");
        if (scale == 1f && BitConverter.SingleToInt32Bits(shift) == 0)
            Forward<TOp, TVec, UnitAffine>(ref Simd.Ref(values), values.Length - TVec.Count, scale, shift);
        else
            Forward<TOp, TVec, Affine>(ref Simd.Ref(values), values.Length - TVec.Count, scale, shift);
    }

    /// <summary>v ← f(TArgument.Of(v, scale, shift)) for every float from <paramref name="v"/> to <paramref name="last"/> + TVec.Count.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Forward<TOp, TVec, TArgument>(ref float v, nint last, float scale, float shift)
        where TOp : struct, IActivationOp
        where TVec : struct, ISimdVector<TVec>
        where TArgument : struct, IArgument
    {
        TVec a = TVec.Broadcast(scale), b = TVec.Broadcast(shift);
        TVec tail = TOp.Invoke(TArgument.Of(TVec.Load(ref v, last), a, b));
        nint i = 0;
        for (; i + (4 * TVec.Count) <= last; i += 4 * TVec.Count)
        {
            TVec v0 = TArgument.Of(TVec.Load(ref v, i), a, b), v1 = TArgument.Of(TVec.Load(ref v, i + TVec.Count), a, b);
            TVec v2 = TArgument.Of(TVec.Load(ref v, i + (2 * TVec.Count)), a, b), v3 = TArgument.Of(TVec.Load(ref v, i + (3 * TVec.Count)), a, b);
            TOp.Invoke4(ref v0, ref v1, ref v2, ref v3);
            TVec.Store(v0, ref v, i); TVec.Store(v1, ref v, i + TVec.Count); TVec.Store(v2, ref v, i + (2 * TVec.Count)); TVec.Store(v3, ref v, i + (3 * TVec.Count));
        }
        for (; i < last; i += TVec.Count)
            TVec.Store(TOp.Invoke(TArgument.Of(TVec.Load(ref v, i), a, b)), ref v, i);
        TVec.Store(tail, ref v, last);
    }

    /// <summary>f's argument from a stored value: the activation's affine map.</summary>
    private interface IArgument
    {
        static abstract TVec Of<TVec>(TVec value, TVec scale, TVec shift) where TVec : struct, ISimdVector<TVec>;
    }

    /// <summary>
    /// a + 0: a·1 + 0 is a + 0 for every a (−0 to +0, a NaN kept), so f's argument has the same bits from an add, which
    /// runs beside the squash's multiply-adds instead of among them.
    /// </summary>
    private readonly struct UnitAffine : IArgument
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Of<TVec>(TVec value, TVec scale, TVec shift) where TVec : struct, ISimdVector<TVec> => TVec.Add(value, TVec.Zero);
    }

    /// <summary>a·scale + shift, rounded once.</summary>
    private readonly struct Affine : IArgument
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Of<TVec>(TVec value, TVec scale, TVec shift) where TVec : struct, ISimdVector<TVec> => TVec.MultiplyAdd(value, scale, shift);
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

        /// <summary>
        /// <see cref="Invoke"/> on four vectors, written side by side so that their dependency chains overlap (the
        /// squash's, <see cref="RationalTanh4"/>); the same bits as four calls. Measured with <c>tools/ab_compare.py</c>
        /// on Zen 4: Classic's forward pass 1.7 % faster at batch 1, 2.0–2.5 % at 64 and 256.
        /// </summary>
        static abstract void Invoke4<TVec>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3) where TVec : struct, ISimdVector<TVec>;
    }

    /// <summary>No activation: the input-gradient correlations and the Modern output.</summary>
    internal readonly struct IdentityOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec> => a;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke4<TVec>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3) where TVec : struct, ISimdVector<TVec> { }
    }

    /// <summary>The paper's squash f(a) = A·tanh(S·a), A = 1.7159, S = 2/3 (Appendix A).</summary>
    internal readonly struct ScaledTanhOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec>
            => TVec.Multiply(TVec.Broadcast(SquashAmplitude), RationalTanh(TVec.Multiply(a, TVec.Broadcast(SquashSlope))));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke4<TVec>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3) where TVec : struct, ISimdVector<TVec>
        {
            var slope = TVec.Broadcast(SquashSlope);
            a0 = TVec.Multiply(a0, slope); a1 = TVec.Multiply(a1, slope); a2 = TVec.Multiply(a2, slope); a3 = TVec.Multiply(a3, slope);
            RationalTanh4(ref a0, ref a1, ref a2, ref a3);
            var amplitude = TVec.Broadcast(SquashAmplitude);
            a0 = TVec.Multiply(amplitude, a0); a1 = TVec.Multiply(amplitude, a1); a2 = TVec.Multiply(amplitude, a2); a3 = TVec.Multiply(amplitude, a3);
        }
    }

    internal readonly struct TanhOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec> => RationalTanh(a);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke4<TVec>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3) where TVec : struct, ISimdVector<TVec>
            => RationalTanh4(ref a0, ref a1, ref a2, ref a3);
    }

    /// <summary>max(0, a). Zero first: x86's max returns its second operand when a lane is NaN, so NaN stays NaN at every width.</summary>
    internal readonly struct ReLUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Invoke<TVec>(TVec a) where TVec : struct, ISimdVector<TVec> => TVec.Max(TVec.Zero, a);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke4<TVec>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3) where TVec : struct, ISimdVector<TVec>
        {
            a0 = Invoke(a0); a1 = Invoke(a1); a2 = Invoke(a2); a3 = Invoke(a3);
        }
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
        var clamped = TVec.Min(TVec.Max(x, TVec.Broadcast(-TanhClamp)), TVec.Broadcast(TanhClamp));
        var x2 = TVec.Multiply(clamped, clamped);
        var p = TVec.MultiplyAdd(x2, TVec.Broadcast(P13), TVec.Broadcast(P11));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(P9));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(P7));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(P5));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(P3));
        p = TVec.MultiplyAdd(p, x2, TVec.Broadcast(P1));
        p = TVec.Multiply(p, clamped);
        var q = TVec.MultiplyAdd(x2, TVec.Broadcast(Q6), TVec.Broadcast(Q4));
        q = TVec.MultiplyAdd(q, x2, TVec.Broadcast(Q2));
        q = TVec.MultiplyAdd(q, x2, TVec.Broadcast(Q0));
        return TVec.MultiplyAdd(x, TVec.Zero, TVec.Divide(p, q));
    }

    /// <summary>
    /// <see cref="RationalTanh"/> of four vectors: the same operations in the same order for each, so the same bits, with
    /// the four written side by side. The rational is one dependency chain of about twenty operations; written one vector
    /// after another, the scheduler holds the waiting operations of one or two chains, side by side those of four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RationalTanh4<TVec>(ref TVec x0, ref TVec x1, ref TVec x2, ref TVec x3) where TVec : struct, ISimdVector<TVec>
    {
        TVec low = TVec.Broadcast(-TanhClamp), high = TVec.Broadcast(TanhClamp);
        TVec c0 = TVec.Min(TVec.Max(x0, low), high), c1 = TVec.Min(TVec.Max(x1, low), high);
        TVec c2 = TVec.Min(TVec.Max(x2, low), high), c3 = TVec.Min(TVec.Max(x3, low), high);
        TVec s0 = TVec.Multiply(c0, c0), s1 = TVec.Multiply(c1, c1), s2 = TVec.Multiply(c2, c2), s3 = TVec.Multiply(c3, c3);
        TVec k = TVec.Broadcast(P13), k2 = TVec.Broadcast(P11);
        TVec p0 = TVec.MultiplyAdd(s0, k, k2), p1 = TVec.MultiplyAdd(s1, k, k2), p2 = TVec.MultiplyAdd(s2, k, k2), p3 = TVec.MultiplyAdd(s3, k, k2);
        k = TVec.Broadcast(Q6); k2 = TVec.Broadcast(Q4);
        TVec q0 = TVec.MultiplyAdd(s0, k, k2), q1 = TVec.MultiplyAdd(s1, k, k2), q2 = TVec.MultiplyAdd(s2, k, k2), q3 = TVec.MultiplyAdd(s3, k, k2);
        Horner4(ref p0, ref p1, ref p2, ref p3, s0, s1, s2, s3, P9);
        Horner4(ref q0, ref q1, ref q2, ref q3, s0, s1, s2, s3, Q2);
        Horner4(ref p0, ref p1, ref p2, ref p3, s0, s1, s2, s3, P7);
        Horner4(ref q0, ref q1, ref q2, ref q3, s0, s1, s2, s3, Q0);
        Horner4(ref p0, ref p1, ref p2, ref p3, s0, s1, s2, s3, P5);
        Horner4(ref p0, ref p1, ref p2, ref p3, s0, s1, s2, s3, P3);
        Horner4(ref p0, ref p1, ref p2, ref p3, s0, s1, s2, s3, P1);
        p0 = TVec.Multiply(p0, c0); p1 = TVec.Multiply(p1, c1); p2 = TVec.Multiply(p2, c2); p3 = TVec.Multiply(p3, c3);
        x0 = TVec.MultiplyAdd(x0, TVec.Zero, TVec.Divide(p0, q0));
        x1 = TVec.MultiplyAdd(x1, TVec.Zero, TVec.Divide(p1, q1));
        x2 = TVec.MultiplyAdd(x2, TVec.Zero, TVec.Divide(p2, q2));
        x3 = TVec.MultiplyAdd(x3, TVec.Zero, TVec.Divide(p3, q3));
    }

    /// <summary>One Horner step, v ← v·s + c, of four polynomials.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horner4<TVec>(ref TVec v0, ref TVec v1, ref TVec v2, ref TVec v3, TVec s0, TVec s1, TVec s2, TVec s3, float c) where TVec : struct, ISimdVector<TVec>
    {
        var k = TVec.Broadcast(c);
        v0 = TVec.MultiplyAdd(v0, s0, k); v1 = TVec.MultiplyAdd(v1, s1, k); v2 = TVec.MultiplyAdd(v2, s2, k); v3 = TVec.MultiplyAdd(v3, s3, k);
    }

    // The rational's clamp and coefficients: p's of x, x³, …, x¹³ and q's of 1, x², …, x⁶.
    private const float TanhClamp = 7.90531110763549805f;
    private const float P1 = 4.89352455891786e-03f, P3 = 6.37261928875436e-04f, P5 = 1.48572235717979e-05f, P7 = 5.12229709037114e-08f;
    private const float P9 = -8.60467152213735e-11f, P11 = 2.00018790482477e-13f, P13 = -2.76076847742355e-16f;
    private const float Q0 = 4.89352518554385e-03f, Q2 = 2.26843463243900e-03f, Q4 = 1.18534705686654e-04f, Q6 = 1.19825839466702e-06f;

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
