using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>
/// Non-overlapping 2×2 windows with stride 2 over (maps, h, w) planes, h and w even.
/// <para>
/// Output row r (over all maps, and over all images when a batch is passed as more maps) reads input rows 2r and 2r + 1,
/// so the kernels run over rows and never need the map boundaries. A vector of N outputs reads 2N consecutive floats of
/// each input row and splits them into the windows' left and right columns (<see cref="ISimdVector{TSelf}.LoadDeinterleaved"/>);
/// the width is the widest whose N fits in an output row (14 → 8 lanes, 5 → 4), the row's last vector overlapping the one
/// before it. Each window is combined in the scalar order — top-left, top-right, bottom-left, bottom-right — so every
/// width gives the same bits. These layers do a few thousand operations per image, but scalar and branchy (max pooling
/// mispredicts on real maps) they took as long as a convolution: Modern's S2 4.3 µs forward and 5.4 backward per image at
/// batch 1, and 16 and 18 at batch 64 (2-core AVX-512 Xeon).
/// </para>
/// </summary>
internal static class PoolingKernels
{
    /// <summary>output[m][y][x] = the sum of input[m][2y..2y+1][2x..2x+1]. input (maps, h, w) -> output (maps, h/2, w/2).</summary>
    public static void SumWindows(ReadOnlySpan<float> input, int maps, int height, int width, Span<float> output)
    {
        CheckSizes(input.Length, output.Length, maps, height, width);
        Windows<SumOp>(input, default, maps * height / 2, width, output);
    }

    /// <summary>output[m][y][x] = the maximum of the window (the first of equals; a NaN only where it comes first, as the scalar comparison chain). input (maps, h, w) -> output (maps, h/2, w/2).</summary>
    public static void MaxWindows(ReadOnlySpan<float> input, int maps, int height, int width, Span<float> output)
    {
        CheckSizes(input.Length, output.Length, maps, height, width);
        Windows<MaxOp>(input, default, maps * height / 2, width, output);
    }

    /// <summary>
    /// Routes each window's gradient to its first maximum in row-major order (as PyTorch does) and zero to
    /// the other three. input (maps, h, w), outputGradient (maps, h/2, w/2) -> inputGradient (maps, h, w).
    /// </summary>
    public static void MaxWindowsBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int maps, int height, int width, Span<float> inputGradient)
    {
        CheckSizes(input.Length, outputGradient.Length, maps, height, width);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputGradient.Length, maps * height * width, nameof(inputGradient));
        Windows<MaxBackwardOp>(input, outputGradient, maps * height / 2, width, inputGradient);
    }

    /// <summary>inputGradient[m][2y+dy][2x+dx] = scale[m] · outputGradient[m][y][x]: the backward of a scaled window sum.</summary>
    public static void SpreadWindows(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> scale, int maps, int height, int width, Span<float> inputGradient)
    {
        CheckSizes(inputGradient.Length, outputGradient.Length, maps, height, width);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale.Length, maps, nameof(scale));
        switch (Simd.WidthFor(width / 2))
        {
            case 16: SpreadWindows<Vec512>(outputGradient, scale, maps, height, width, inputGradient); break;
            case 8: SpreadWindows<Vec256>(outputGradient, scale, maps, height, width, inputGradient); break;
            case 4: SpreadWindows<Vec128>(outputGradient, scale, maps, height, width, inputGradient); break;
            default: SpreadWindows<Vec32>(outputGradient, scale, maps, height, width, inputGradient); break;
        }
    }

    /// <summary>The window operation <typeparamref name="TOp"/> at the widest width whose vector fits an output row.</summary>
    private static void Windows<TOp>(ReadOnlySpan<float> planes, ReadOnlySpan<float> windows, int rows, int width, Span<float> result)
        where TOp : struct, IWindowOp
    {
        switch (Simd.WidthFor(width / 2))
        {
            case 16: Windows<Vec512, TOp>(planes, windows, rows, width, result); break;
            case 8: Windows<Vec256, TOp>(planes, windows, rows, width, result); break;
            case 4: Windows<Vec128, TOp>(planes, windows, rows, width, result); break;
            default: Windows<Vec32, TOp>(planes, windows, rows, width, result); break;
        }
    }

    /// <summary>
    /// One window operation over <paramref name="rows"/> output rows: <paramref name="planes"/> is the input (rows·2, w);
    /// <paramref name="windows"/> and <paramref name="result"/> are the output (rows, w/2) for the forward operations, and
    /// the output gradient and the input gradient (rows·2, w) for <see cref="MaxBackwardOp"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Windows<TVec, TOp>(ReadOnlySpan<float> planes, ReadOnlySpan<float> windows, int rows, int width, Span<float> result)
        where TVec : struct, ISimdVector<TVec>
        where TOp : struct, IWindowOp
    {
        int outputWidth = width / 2;
        ref float input = ref Simd.Ref(planes);
        ref float gradient = ref Simd.Ref(windows);
        ref float output = ref Simd.Ref(result);
        for (int r = 0; r < rows; r++)
        {
            nint top = (nint)r * 2 * width, bottom = top + width, at = (nint)r * outputWidth;
            for (int x = 0; x < outputWidth; x += TVec.Count)
            {
                // The row's last vector ends at the row's end, recomputing a few windows of the one before.
                nint column = Math.Min(x, outputWidth - TVec.Count);
                TVec.LoadDeinterleaved(ref input, top + (2 * column), out var a, out var b);
                TVec.LoadDeinterleaved(ref input, bottom + (2 * column), out var c, out var d);
                TOp.Apply(a, b, c, d, ref gradient, ref output, top + (2 * column), bottom + (2 * column), at + column);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SpreadWindows<TVec>(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> scale, int maps, int height, int width, Span<float> inputGradient)
        where TVec : struct, ISimdVector<TVec>
    {
        int outputHeight = height / 2, outputWidth = width / 2;
        ref float gradient = ref Simd.Ref(outputGradient);
        ref float result = ref Simd.Ref(inputGradient);
        for (int m = 0; m < maps; m++)
        {
            var s = TVec.Broadcast(scale[m]);
            for (int y = 0; y < outputHeight; y++)
            {
                int r = (m * outputHeight) + y;
                nint top = (nint)r * 2 * width, bottom = top + width, at = (nint)r * outputWidth;
                for (int x = 0; x < outputWidth; x += TVec.Count)
                {
                    nint column = Math.Min(x, outputWidth - TVec.Count);
                    var g = TVec.Multiply(s, TVec.Load(ref gradient, at + column));
                    TVec.StoreInterleaved(g, g, ref result, top + (2 * column));
                    TVec.StoreInterleaved(g, g, ref result, bottom + (2 * column));
                }
            }
        }
    }

    /// <summary>What a kernel does with one vector of windows: a, b the top row's left and right inputs, c, d the bottom row's.</summary>
    private interface IWindowOp
    {
        static abstract void Apply<TVec>(TVec a, TVec b, TVec c, TVec d, ref float gradient, ref float output, nint top, nint bottom, nint at)
            where TVec : struct, ISimdVector<TVec>;
    }

    /// <summary>((a + b) + c) + d.</summary>
    private readonly struct SumOp : IWindowOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TVec>(TVec a, TVec b, TVec c, TVec d, ref float gradient, ref float output, nint top, nint bottom, nint at)
            where TVec : struct, ISimdVector<TVec>
            => TVec.Store(TVec.Add(TVec.Add(TVec.Add(a, b), c), d), ref output, at);
    }

    /// <summary>best = a, then b, c, d each replacing it only if greater: the scalar chain, lane by lane.</summary>
    private readonly struct MaxOp : IWindowOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TVec>(TVec a, TVec b, TVec c, TVec d, ref float gradient, ref float output, nint top, nint bottom, nint at)
            where TVec : struct, ISimdVector<TVec>
        {
            var best = TVec.Select(TVec.GreaterThan(b, a), b, a);
            best = TVec.Select(TVec.GreaterThan(c, best), c, best);
            TVec.Store(TVec.Select(TVec.GreaterThan(d, best), d, best), ref output, at);
        }
    }

    /// <summary>The window's gradient to the input <see cref="MaxOp"/> chose, zero to the other three.</summary>
    private readonly struct MaxBackwardOp : IWindowOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TVec>(TVec a, TVec b, TVec c, TVec d, ref float gradient, ref float output, nint top, nint bottom, nint at)
            where TVec : struct, ISimdVector<TVec>
        {
            var takesB = TVec.GreaterThan(b, a);
            var best = TVec.Select(takesB, b, a);
            var takesC = TVec.GreaterThan(c, best);
            best = TVec.Select(takesC, c, best);
            var takesD = TVec.GreaterThan(d, best);
            // The last input to take the maximum keeps it: d, else c, else b, else a.
            var g = TVec.Load(ref gradient, at);
            var toD = TVec.Select(takesD, g, TVec.Zero);
            g = TVec.AndNot(g, takesD);
            var toC = TVec.Select(takesC, g, TVec.Zero);
            g = TVec.AndNot(g, takesC);
            var toB = TVec.Select(takesB, g, TVec.Zero);
            var toA = TVec.AndNot(g, takesB);
            TVec.StoreInterleaved(toA, toB, ref output, top);
            TVec.StoreInterleaved(toC, toD, ref output, bottom);
        }
    }

    private static void CheckSizes(int planesLength, int windowsLength, int maps, int height, int width)
    {
        if (height % 2 != 0 || width % 2 != 0)
            throw new ArgumentException($"2×2 windows need even sizes; got {height}×{width}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(planesLength, maps * height * width, "input");
        ArgumentOutOfRangeException.ThrowIfLessThan(windowsLength, maps * (height / 2) * (width / 2), "output");
    }
}
