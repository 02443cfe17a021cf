using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>
/// The optimisers' updates as one pass over the parameters each: every array is read once and written once per
/// step (a sequence of whole-array primitives reads and writes each several times, and at batch 1 the step runs
/// after every pattern). Whole vectors at the widest width, the remainder one lane at a time by the same code, so
/// every parameter gets the same arithmetic whatever its position.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary>SDLM (paper, Appendix C): p ← p − η·g·r, with r = 1/(µ + h_kk) precomputed.</summary>
    public static void DiagonalStep(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<float> rates, float learningRate)
    {
        CheckLengths(parameters.Length, gradients.Length, rates.Length);
        switch (Simd.WidthFor(parameters.Length))
        {
            case 16: DiagonalStep<Vec512>(parameters, gradients, rates, learningRate); break;
            case 8: DiagonalStep<Vec256>(parameters, gradients, rates, learningRate); break;
            case 4: DiagonalStep<Vec128>(parameters, gradients, rates, learningRate); break;
            default: DiagonalStep<Vec32>(parameters, gradients, rates, learningRate); break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void DiagonalStep<TVec>(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<float> rates, float learningRate)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float p = ref Simd.Ref(parameters);
        ref float g = ref Simd.Ref(gradients);
        ref float r = ref Simd.Ref(rates);
        nint whole = parameters.Length - (parameters.Length % TVec.Count);
        for (nint i = 0; i < whole; i += TVec.Count)
            DiagonalStep<TVec>(ref p, ref g, ref r, i, learningRate);
        for (nint i = whole; i < parameters.Length; i++)
            DiagonalStep<Vec32>(ref p, ref g, ref r, i, learningRate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DiagonalStep<TVec>(ref float p, ref float g, ref float r, nint i, float learningRate) where TVec : struct, ISimdVector<TVec>
        => TVec.Store(TVec.MultiplyAdd(TVec.Multiply(TVec.Load(ref g, i), TVec.Load(ref r, i)), TVec.Broadcast(-learningRate), TVec.Load(ref p, i)), ref p, i);

    /// <summary>SGD with momentum: v ← m·v − η·g, p ← p + v.</summary>
    public static void MomentumStep(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity, float momentum, float learningRate)
    {
        CheckLengths(parameters.Length, gradients.Length, velocity.Length);
        switch (Simd.WidthFor(parameters.Length))
        {
            case 16: MomentumStep<Vec512>(parameters, gradients, velocity, momentum, learningRate); break;
            case 8: MomentumStep<Vec256>(parameters, gradients, velocity, momentum, learningRate); break;
            case 4: MomentumStep<Vec128>(parameters, gradients, velocity, momentum, learningRate); break;
            default: MomentumStep<Vec32>(parameters, gradients, velocity, momentum, learningRate); break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MomentumStep<TVec>(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity, float momentum, float learningRate)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float p = ref Simd.Ref(parameters);
        ref float g = ref Simd.Ref(gradients);
        ref float v = ref Simd.Ref(velocity);
        nint whole = parameters.Length - (parameters.Length % TVec.Count);
        for (nint i = 0; i < whole; i += TVec.Count)
            MomentumStep<TVec>(ref p, ref g, ref v, i, momentum, learningRate);
        for (nint i = whole; i < parameters.Length; i++)
            MomentumStep<Vec32>(ref p, ref g, ref v, i, momentum, learningRate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MomentumStep<TVec>(ref float p, ref float g, ref float v, nint i, float momentum, float learningRate) where TVec : struct, ISimdVector<TVec>
    {
        // A weight whose gradient stays zero (a dead ReLU's) has a velocity that decays into subnormals: flushed, see FlushSubnormal.
        var velocity = TVec.FlushSubnormal(TVec.MultiplyAdd(TVec.Load(ref g, i), TVec.Broadcast(-learningRate), TVec.Multiply(TVec.Load(ref v, i), TVec.Broadcast(momentum))));
        TVec.Store(velocity, ref v, i);
        TVec.Store(TVec.Add(TVec.Load(ref p, i), velocity), ref p, i);
    }

    /// <summary>
    /// Adam: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − α·m / (√(v·c) + ε), where α is the learning rate over the
    /// first moment's bias correction and c the reciprocal of the second moment's.
    /// </summary>
    public static void AdamStep(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> first, Span<float> second, AdamConstants constants)
    {
        CheckLengths(parameters.Length, gradients.Length, first.Length);
        CheckLengths(parameters.Length, gradients.Length, second.Length);
        switch (Simd.WidthFor(parameters.Length))
        {
            case 16: AdamStep<Vec512>(parameters, gradients, first, second, constants); break;
            case 8: AdamStep<Vec256>(parameters, gradients, first, second, constants); break;
            case 4: AdamStep<Vec128>(parameters, gradients, first, second, constants); break;
            default: AdamStep<Vec32>(parameters, gradients, first, second, constants); break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AdamStep<TVec>(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> first, Span<float> second, AdamConstants constants)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float p = ref Simd.Ref(parameters);
        ref float g = ref Simd.Ref(gradients);
        ref float m = ref Simd.Ref(first);
        ref float v = ref Simd.Ref(second);
        nint whole = parameters.Length - (parameters.Length % TVec.Count);
        for (nint i = 0; i < whole; i += TVec.Count)
            AdamStep<TVec>(ref p, ref g, ref m, ref v, i, constants);
        for (nint i = whole; i < parameters.Length; i++)
            AdamStep<Vec32>(ref p, ref g, ref m, ref v, i, constants);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AdamStep<TVec>(ref float p, ref float g, ref float m, ref float v, nint i, AdamConstants c) where TVec : struct, ISimdVector<TVec>
    {
        var gradient = TVec.Load(ref g, i);
        // Where the gradient stays zero (a dead ReLU's weights) the moments decay by β each step into subnormals, which made
        // the step 14 times slower (475 µs instead of 34 for Modern after 2,000 patterns): flushed to zero as they are stored.
        var mean = TVec.FlushSubnormal(TVec.MultiplyAdd(gradient, TVec.Broadcast(1 - c.Beta1), TVec.Multiply(TVec.Load(ref m, i), TVec.Broadcast(c.Beta1))));
        var variance = TVec.FlushSubnormal(TVec.MultiplyAdd(TVec.Multiply(gradient, gradient), TVec.Broadcast(1 - c.Beta2), TVec.Multiply(TVec.Load(ref v, i), TVec.Broadcast(c.Beta2))));
        TVec.Store(mean, ref m, i);
        TVec.Store(variance, ref v, i);
        var denominator = TVec.Add(TVec.Sqrt(TVec.Multiply(variance, TVec.Broadcast(c.SecondCorrection))), TVec.Broadcast(c.Epsilon));
        TVec.Store(TVec.MultiplyAdd(TVec.Divide(mean, denominator), TVec.Broadcast(-c.StepSize), TVec.Load(ref p, i)), ref p, i);
    }

    private static void CheckLengths(int parameters, int gradients, int state)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(gradients, parameters, "gradients");
        ArgumentOutOfRangeException.ThrowIfNotEqual(state, parameters, "state");
    }
}
