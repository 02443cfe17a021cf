using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>
/// The sums the layers reduce to one number: Σx (bias gradients, the subsampling bias's gradient), Σx·y (the subsampling
/// coefficient's gradient) and Σ(x − y)² (the RBF output's distances, paper eq. 7).
/// <para>
/// Written here rather than left to <c>TensorPrimitives</c> because the order of a float sum is its result: these run at
/// the width <see cref="Simd.MaxBits"/> allows, so that <c>LENET5_VECTOR_BITS=256</c> on an AVX-512 machine gives, bit
/// for bit, what an AVX2 machine computes (TensorPrimitives always sums at the hardware's widest vector). The order is
/// fixed for a width: four accumulators over consecutive vectors, the last partial vector's repeated lanes cleared, the
/// accumulators added pairwise, then the vector's lanes.
/// </para>
/// </summary>
internal static class ReductionKernels
{
    /// <summary>Σ x_i.</summary>
    internal static float Sum(ReadOnlySpan<float> x) => Simd.WidthFor(x.Length) switch
    {
        16 => Reduce<Vec512, SumOp>(x, x),
        8 => Reduce<Vec256, SumOp>(x, x),
        4 => Reduce<Vec128, SumOp>(x, x),
        _ => Reduce<Vec32, SumOp>(x, x),
    };

    /// <summary>Σ x_i·y_i, each term added with one multiply-add (fused where the hardware fuses: <see cref="ISimdVector{TSelf}.MultiplyAdd"/>).</summary>
    internal static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Simd.WidthFor(CheckLengths(x, y)) switch
    {
        16 => Reduce<Vec512, DotOp>(x, y),
        8 => Reduce<Vec256, DotOp>(x, y),
        4 => Reduce<Vec128, DotOp>(x, y),
        _ => Reduce<Vec32, DotOp>(x, y),
    };

    /// <summary>Σ (x_i − y_i)²: the squared Euclidean distance, without a scratch vector for the differences.</summary>
    internal static float SquaredDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Simd.WidthFor(CheckLengths(x, y)) switch
    {
        16 => Reduce<Vec512, SquaredDistanceOp>(x, y),
        8 => Reduce<Vec256, SquaredDistanceOp>(x, y),
        4 => Reduce<Vec128, SquaredDistanceOp>(x, y),
        _ => Reduce<Vec32, SquaredDistanceOp>(x, y),
    };

    /// <summary>
    /// Σ TOp(x_i, y_i) at one width (<paramref name="x"/>.Length ≥ TVec.Count, or 0). The last vector overlaps the one
    /// before it unless the length is a multiple of the width; its lanes already counted are cleared before they are
    /// accumulated (in both operands, so that a cleared lane adds an exact zero whatever the other holds).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Reduce<TVec, TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where TVec : struct, ISimdVector<TVec>
        where TOp : struct, IReductionOp
    {
        int length = x.Length;
        if (length == 0)
            return 0f;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, length, "vector width");
        ref float a = ref Simd.Ref(x);
        ref float b = ref Simd.Ref(y);
        int count = TVec.Count;
        TVec s0 = TVec.Zero, s1 = TVec.Zero, s2 = TVec.Zero, s3 = TVec.Zero;
        nint i = 0;
        for (; i <= length - (4 * count); i += 4 * count)
        {
            s0 = TOp.Accumulate(TVec.Load(ref a, i), TVec.Load(ref b, i), s0);
            s1 = TOp.Accumulate(TVec.Load(ref a, i + count), TVec.Load(ref b, i + count), s1);
            s2 = TOp.Accumulate(TVec.Load(ref a, i + (2 * count)), TVec.Load(ref b, i + (2 * count)), s2);
            s3 = TOp.Accumulate(TVec.Load(ref a, i + (3 * count)), TVec.Load(ref b, i + (3 * count)), s3);
        }

        for (; i <= length - count; i += count)
            s0 = TOp.Accumulate(TVec.Load(ref a, i), TVec.Load(ref b, i), s0);
        if (i < length)
        {
            nint last = length - count;
            int repeated = (int)(i - last);
            s1 = TOp.Accumulate(TVec.ClearLanesBelow(TVec.Load(ref a, last), repeated), TVec.ClearLanesBelow(TVec.Load(ref b, last), repeated), s1);
        }

        return TVec.Sum(TVec.Add(TVec.Add(s0, s1), TVec.Add(s2, s3)));
    }

    private static int CheckLengths(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Length, x.Length, nameof(y));
        return x.Length;
    }

    /// <summary>One term of a reduction, added into the accumulator.</summary>
    internal interface IReductionOp
    {
        static abstract TVec Accumulate<TVec>(TVec x, TVec y, TVec sum) where TVec : struct, ISimdVector<TVec>;
    }

    /// <summary>sum + x (y is ignored).</summary>
    internal readonly struct SumOp : IReductionOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Accumulate<TVec>(TVec x, TVec y, TVec sum) where TVec : struct, ISimdVector<TVec> => TVec.Add(sum, x);
    }

    /// <summary>sum + x·y, one multiply-add.</summary>
    internal readonly struct DotOp : IReductionOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Accumulate<TVec>(TVec x, TVec y, TVec sum) where TVec : struct, ISimdVector<TVec> => TVec.MultiplyAdd(x, y, sum);
    }

    /// <summary>sum + (x − y)², the square and the add one multiply-add.</summary>
    internal readonly struct SquaredDistanceOp : IReductionOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Accumulate<TVec>(TVec x, TVec y, TVec sum) where TVec : struct, ISimdVector<TVec>
        {
            TVec d = TVec.Subtract(x, y);
            return TVec.MultiplyAdd(d, d, sum);
        }
    }
}
