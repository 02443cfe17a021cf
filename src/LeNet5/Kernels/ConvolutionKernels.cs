using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LeNet5.Kernels;

/// <summary>
/// Valid 2-D cross-correlation of square K×K kernels through a <see cref="MapWiring"/>, for one image, and
/// its kernel gradient.
/// <para>
/// Both work in the input's row stride: output (y, x) is computed at flat position q = y·iw + x, where tap
/// (ky, kx) reads input[q + ky·iw + kx]. Every tap is then one contiguous, unaligned vector load, whatever
/// the map width, and a whole map is a single run of (oh − 1)·iw + ow positions, cut into vectors with four
/// accumulators in flight; the iw − ow positions per row that fall outside the output are computed and
/// dropped (correlate) or multiplied by zero (gradient). The last vector overlaps the previous one rather
/// than running a scalar tail.
/// </para>
/// </summary>
internal static class ConvolutionKernels
{
    /// <summary>
    /// output[t] = f(bias[t] + Σ_{(s,k) wired to t} input[s] ⋆ kernels[k]), f the activation <typeparamref name="TAct"/>, applied
    /// to each map as soon as it is finished, while it is in L1.
    /// input (sources, ih, iw), kernels (n, K, K), bias (targets) or empty for zero -> output (targets, ih−K+1, iw−K+1).
    /// </summary>
    public static void Correlate<TAct>(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output)
        where TAct : struct, ActivationKernels.IActivationOp
    {
        switch (Simd.WidthFor(RunLength(inputHeight, inputWidth, kernelSize)))
        {
            case 16: Correlate<Vec512, TAct>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case 8: Correlate<Vec256, TAct>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case 4: Correlate<Vec128, TAct>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            default: Correlate<Vec32, TAct>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
        }
    }

    /// <summary>The same with no activation: the input-gradient correlation.</summary>
    public static void Correlate(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output)
        => Correlate<ActivationKernels.IdentityOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output);

    /// <inheritdoc cref="Correlate{TAct}(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, MapWiring, Span{float})"/>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Correlate<TVec, TAct>(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output)
        where TVec : struct, ISimdVector<TVec>
        where TAct : struct, ActivationKernels.IActivationOp
    {
        int outputHeight = inputHeight - kernelSize + 1, outputWidth = inputWidth - kernelSize + 1;
        int inputPlane = inputHeight * inputWidth, outputPlane = outputHeight * outputWidth, taps = kernelSize * kernelSize;
        int run = RunLength(inputHeight, inputWidth, kernelSize);
        CheckSizes(input.Length, wiring.Sources * inputPlane, output.Length, wiring.Targets * outputPlane, TVec.Count, run);
        ReadOnlySpan<int> first = wiring.TargetStarts, source = wiring.SourceMaps, kernelOf = wiring.KernelIndices;
        for (int k = 0; k < kernelOf.Length; k++)
            ArgumentOutOfRangeException.ThrowIfGreaterThan((kernelOf[k] + 1) * taps, kernels.Length, nameof(kernels));
        if (!bias.IsEmpty)
            ArgumentOutOfRangeException.ThrowIfNotEqual(bias.Length, wiring.Targets, nameof(bias));

        if (wiring.SharesSources)
        {
            CorrelateShared<TVec, TAct>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output);
            return;
        }

        // One map in the input's row stride: at most 32 rows of 36 for LeNet's largest map.
        Span<float> wide = run <= 2048 ? stackalloc float[run] : new float[run];
        ref float inputRef = ref Simd.Ref(input);
        ref float kernelRef = ref Simd.Ref(kernels);
        ref float wideRef = ref Simd.Ref(wide);
        int vectors = (run + TVec.Count - 1) / TVec.Count;
        for (int t = 0; t < wiring.Targets; t++)
        {
            var start = TVec.Broadcast(bias.IsEmpty ? 0f : bias[t]);
            for (int v = 0; v < vectors; v += 4)
            {
                // Four vectors in flight hide the latency of the multiply-add chain; past the end, repeat the last.
                nint q0 = Start<TVec>(v, vectors, run), q1 = Start<TVec>(v + 1, vectors, run);
                nint q2 = Start<TVec>(v + 2, vectors, run), q3 = Start<TVec>(v + 3, vectors, run);
                TVec sum0 = start, sum1 = start, sum2 = start, sum3 = start;
                for (int e = first[t]; e < first[t + 1]; e++)
                {
                    nint row = source[e] * inputPlane;
                    int kernel = kernelOf[e] * taps;
                    for (int ky = 0; ky < kernelSize; ky++, row += inputWidth)
                    {
                        for (int kx = 0; kx < kernelSize; kx++)
                        {
                            var weight = TVec.Broadcast(Unsafe.Add(ref kernelRef, kernel + (ky * kernelSize) + kx));
                            nint at = row + kx;
                            sum0 = TVec.MultiplyAdd(weight, TVec.Load(ref inputRef, at + q0), sum0);
                            sum1 = TVec.MultiplyAdd(weight, TVec.Load(ref inputRef, at + q1), sum1);
                            sum2 = TVec.MultiplyAdd(weight, TVec.Load(ref inputRef, at + q2), sum2);
                            sum3 = TVec.MultiplyAdd(weight, TVec.Load(ref inputRef, at + q3), sum3);
                        }
                    }
                }
                TVec.Store(sum0, ref wideRef, q0);
                TVec.Store(sum1, ref wideRef, q1);
                TVec.Store(sum2, ref wideRef, q2);
                TVec.Store(sum3, ref wideRef, q3);
            }
            Span<float> map = output.Slice(t * outputPlane, outputPlane);
            FromRowStride(wide, outputHeight, outputWidth, inputWidth, map);
            ActivationKernels.Forward<TAct>(map);
        }
    }

    /// <summary>
    /// <see cref="Correlate{TVec, TAct}"/> for wirings whose targets all read the same sources (a full table):
    /// six targets at a time, so that each input vector loaded feeds six multiply-adds (one per target, its weight
    /// broadcast) instead of one. Within AVX2's sixteen registers two vectors of positions per target (twelve
    /// accumulators, two loads and a broadcast); with AVX-512's thirty-two, four (twenty-four accumulators), which halves
    /// the weight broadcasts per multiply-add (every 64-byte load at q + kx straddles two cache lines, so load slots are
    /// scarce there); measured 1.0–1.2× on the correlation alone (2-core Xeon, AVX-512). A last group of fewer than six
    /// repeats its last target and stores it once. Each output sums its taps in the same order either way, so the
    /// blocking does not change a bit.
    /// </summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CorrelateShared<TVec, TAct>(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output)
        where TVec : struct, ISimdVector<TVec>
        where TAct : struct, ActivationKernels.IActivationOp
    {
        const int Group = 6;
        bool four = TVec.Count == 16;
        int step = four ? 4 : 2;
        int outputHeight = inputHeight - kernelSize + 1, outputWidth = inputWidth - kernelSize + 1;
        int inputPlane = inputHeight * inputWidth, outputPlane = outputHeight * outputWidth, taps = kernelSize * kernelSize;
        int run = RunLength(inputHeight, inputWidth, kernelSize), vectors = (run + TVec.Count - 1) / TVec.Count;
        int entries = wiring.TargetStarts[1] - wiring.TargetStarts[0];
        ReadOnlySpan<int> first = wiring.TargetStarts, source = wiring.SourceMaps, kernelOf = wiring.KernelIndices;

        // Six maps in the input's row stride: 6 × 892 floats for C1.
        Span<float> wide = Group * run <= 8192 ? stackalloc float[Group * run] : new float[Group * run];
        ref float inputRef = ref Simd.Ref(input);
        ref float kernelRef = ref Simd.Ref(kernels);
        ref float wideRef = ref Simd.Ref(wide);
        for (int t0 = 0; t0 < wiring.Targets; t0 += Group)
        {
            int count = Math.Min(Group, wiring.Targets - t0);
            int t1 = t0 + Math.Min(1, count - 1), t2 = t0 + Math.Min(2, count - 1), t3 = t0 + Math.Min(3, count - 1);
            int t4 = t0 + Math.Min(4, count - 1), t5 = t0 + Math.Min(5, count - 1);
            TVec b0 = BiasOf<TVec>(bias, t0), b1 = BiasOf<TVec>(bias, t1), b2 = BiasOf<TVec>(bias, t2);
            TVec b3 = BiasOf<TVec>(bias, t3), b4 = BiasOf<TVec>(bias, t4), b5 = BiasOf<TVec>(bias, t5);
            for (int v = 0; v < vectors; v += step)
            {
                nint q0 = Start<TVec>(v, vectors, run), q1 = Start<TVec>(v + 1, vectors, run);
                nint q2 = four ? Start<TVec>(v + 2, vectors, run) : 0, q3 = four ? Start<TVec>(v + 3, vectors, run) : 0;
                TVec s00 = b0, s01 = b0, s02 = b0, s03 = b0, s10 = b1, s11 = b1, s12 = b1, s13 = b1, s20 = b2, s21 = b2, s22 = b2, s23 = b2;
                TVec s30 = b3, s31 = b3, s32 = b3, s33 = b3, s40 = b4, s41 = b4, s42 = b4, s43 = b4, s50 = b5, s51 = b5, s52 = b5, s53 = b5;
                for (int e = 0; e < entries; e++)
                {
                    // Refs stepped once per kernel row, so that the tap loop indexes with constants: with the indices
                    // recomputed per tap the loop ran about 50 instructions for its 12 multiply-adds.
                    ref float x = ref Unsafe.Add(ref inputRef, source[first[t0] + e] * inputPlane);
                    ref float w0 = ref Unsafe.Add(ref kernelRef, kernelOf[first[t0] + e] * taps);
                    ref float w1 = ref Unsafe.Add(ref kernelRef, kernelOf[first[t1] + e] * taps);
                    ref float w2 = ref Unsafe.Add(ref kernelRef, kernelOf[first[t2] + e] * taps);
                    ref float w3 = ref Unsafe.Add(ref kernelRef, kernelOf[first[t3] + e] * taps);
                    ref float w4 = ref Unsafe.Add(ref kernelRef, kernelOf[first[t4] + e] * taps);
                    ref float w5 = ref Unsafe.Add(ref kernelRef, kernelOf[first[t5] + e] * taps);
                    for (int ky = 0; ky < kernelSize; ky++)
                    {
                        for (nint kx = 0; kx < kernelSize; kx++)
                        {
                            var x0 = TVec.Load(ref x, q0 + kx);
                            var x1 = TVec.Load(ref x, q1 + kx);
                            var x2 = four ? TVec.Load(ref x, q2 + kx) : default;
                            var x3 = four ? TVec.Load(ref x, q3 + kx) : default;
                            var w = TVec.Broadcast(Unsafe.Add(ref w0, kx));
                            s00 = TVec.MultiplyAdd(w, x0, s00); s01 = TVec.MultiplyAdd(w, x1, s01);
                            if (four) { s02 = TVec.MultiplyAdd(w, x2, s02); s03 = TVec.MultiplyAdd(w, x3, s03); }
                            w = TVec.Broadcast(Unsafe.Add(ref w1, kx));
                            s10 = TVec.MultiplyAdd(w, x0, s10); s11 = TVec.MultiplyAdd(w, x1, s11);
                            if (four) { s12 = TVec.MultiplyAdd(w, x2, s12); s13 = TVec.MultiplyAdd(w, x3, s13); }
                            w = TVec.Broadcast(Unsafe.Add(ref w2, kx));
                            s20 = TVec.MultiplyAdd(w, x0, s20); s21 = TVec.MultiplyAdd(w, x1, s21);
                            if (four) { s22 = TVec.MultiplyAdd(w, x2, s22); s23 = TVec.MultiplyAdd(w, x3, s23); }
                            w = TVec.Broadcast(Unsafe.Add(ref w3, kx));
                            s30 = TVec.MultiplyAdd(w, x0, s30); s31 = TVec.MultiplyAdd(w, x1, s31);
                            if (four) { s32 = TVec.MultiplyAdd(w, x2, s32); s33 = TVec.MultiplyAdd(w, x3, s33); }
                            w = TVec.Broadcast(Unsafe.Add(ref w4, kx));
                            s40 = TVec.MultiplyAdd(w, x0, s40); s41 = TVec.MultiplyAdd(w, x1, s41);
                            if (four) { s42 = TVec.MultiplyAdd(w, x2, s42); s43 = TVec.MultiplyAdd(w, x3, s43); }
                            w = TVec.Broadcast(Unsafe.Add(ref w5, kx));
                            s50 = TVec.MultiplyAdd(w, x0, s50); s51 = TVec.MultiplyAdd(w, x1, s51);
                            if (four) { s52 = TVec.MultiplyAdd(w, x2, s52); s53 = TVec.MultiplyAdd(w, x3, s53); }
                        }

                        x = ref Unsafe.Add(ref x, inputWidth);
                        w0 = ref Unsafe.Add(ref w0, kernelSize); w1 = ref Unsafe.Add(ref w1, kernelSize); w2 = ref Unsafe.Add(ref w2, kernelSize);
                        w3 = ref Unsafe.Add(ref w3, kernelSize); w4 = ref Unsafe.Add(ref w4, kernelSize); w5 = ref Unsafe.Add(ref w5, kernelSize);
                    }
                }
                StoreGroup(ref wideRef, run, q0, s00, s10, s20, s30, s40, s50);
                StoreGroup(ref wideRef, run, q1, s01, s11, s21, s31, s41, s51);
                if (four)
                {
                    StoreGroup(ref wideRef, run, q2, s02, s12, s22, s32, s42, s52);
                    StoreGroup(ref wideRef, run, q3, s03, s13, s23, s33, s43, s53);
                }
            }
            for (int j = 0; j < count; j++)
            {
                Span<float> map = output.Slice((t0 + j) * outputPlane, outputPlane);
                FromRowStride(wide.Slice(j * run, run), outputHeight, outputWidth, inputWidth, map);
                ActivationKernels.Forward<TAct>(map);
            }
        }
    }

    /// <summary>One vector of positions at <paramref name="q"/> for each of six maps <paramref name="run"/> floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGroup<TVec>(ref float wide, int run, nint q, TVec m0, TVec m1, TVec m2, TVec m3, TVec m4, TVec m5)
        where TVec : struct, ISimdVector<TVec>
    {
        TVec.Store(m0, ref wide, q);
        TVec.Store(m1, ref wide, run + q);
        TVec.Store(m2, ref wide, (2 * run) + q);
        TVec.Store(m3, ref wide, (3 * run) + q);
        TVec.Store(m4, ref wide, (4 * run) + q);
        TVec.Store(m5, ref wide, (5 * run) + q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec BiasOf<TVec>(ReadOnlySpan<float> bias, int target) where TVec : struct, ISimdVector<TVec>
        => TVec.Broadcast(bias.IsEmpty ? 0f : bias[target]);

    /// <summary>
    /// kernelGradient[k] += Σ_y Σ_x outputGradient[t][y][x] · input[s][y+ky][x+kx] for every (s,k) wired to t;
    /// biasGradient[t] += Σ outputGradient[t] (skipped when empty).
    /// </summary>
    public static void AccumulateGradients(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> outputGradient, int kernelSize,
        MapWiring wiring, Span<float> kernelGradient, Span<float> biasGradient)
    {
        switch (Simd.WidthFor(RunLength(inputHeight, inputWidth, kernelSize)))
        {
            case 16: AccumulateGradients<Vec512>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
            case 8: AccumulateGradients<Vec256>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
            case 4: AccumulateGradients<Vec128>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
            default: AccumulateGradients<Vec32>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
        }
    }

    /// <inheritdoc cref="AccumulateGradients(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, MapWiring, Span{float}, Span{float})"/>
    /// <remarks>
    /// Where every target reads the same sources (a full table: C1), two targets are summed at once, so that each input
    /// vector loaded feeds both: seven loads for ten multiply-adds instead of six for five; at 512 bits (32 registers)
    /// three, eight loads for fifteen. Each tap's sum runs over the positions in the same order either way, so grouping
    /// does not change a bit.
    /// </remarks>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateGradients<TVec>(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> outputGradient, int kernelSize,
        MapWiring wiring, Span<float> kernelGradient, Span<float> biasGradient)
        where TVec : struct, ISimdVector<TVec>
    {
        int outputHeight = inputHeight - kernelSize + 1, outputWidth = inputWidth - kernelSize + 1;
        int inputPlane = inputHeight * inputWidth, outputPlane = outputHeight * outputWidth, taps = kernelSize * kernelSize;
        int run = RunLength(inputHeight, inputWidth, kernelSize);
        CheckSizes(input.Length, wiring.Sources * inputPlane, outputGradient.Length, wiring.Targets * outputPlane, TVec.Count, run);
        ReadOnlySpan<int> kernelOf = wiring.KernelIndices;
        for (int k = 0; k < kernelOf.Length; k++)
            ArgumentOutOfRangeException.ThrowIfGreaterThan((kernelOf[k] + 1) * taps, kernelGradient.Length, nameof(kernelGradient));

        // Up to three targets' gradients in the input's row stride, zero where a row runs past the output.
        Span<float> wide = run <= 2048 ? stackalloc float[3 * run] : new float[3 * run];
        for (int t = 0; t < wiring.Targets;)
        {
            // With AVX-512's 32 registers three targets share each input load (15 accumulators), within AVX2's 16 two.
            int group = wiring.SharesSources ? Math.Min(TVec.Count == 16 ? 3 : 2, wiring.Targets - t) : 1;
            for (int j = 0; j < group; j++)
            {
                ReadOnlySpan<float> gradient = outputGradient.Slice((t + j) * outputPlane, outputPlane);
                ToRowStride(gradient, outputHeight, outputWidth, inputWidth, wide.Slice(j * run, run));
                if (!biasGradient.IsEmpty)
                    biasGradient[t + j] += ReductionKernels.Sum(gradient);
            }
            switch (group)
            {
                case 3: TargetGradients<TVec, ThreeTargets>(input, inputPlane, inputWidth, wide, run, kernelSize, wiring, t, kernelGradient); break;
                case 2: TargetGradients<TVec, TwoTargets>(input, inputPlane, inputWidth, wide, run, kernelSize, wiring, t, kernelGradient); break;
                default: TargetGradients<TVec, OneTarget>(input, inputPlane, inputWidth, wide, run, kernelSize, wiring, t, kernelGradient); break;
            }
            t += group;
        }
    }

    /// <summary>
    /// Whether <see cref="TargetGradients"/> sums one, two or three targets, and <see cref="Scatter{TVec, TCount}"/> one, two or three
    /// vectors of positions (a constant per instantiation, so the unused code is dropped).
    /// </summary>
    private interface ITargetCount
    {
        static abstract bool IsPair { get; }

        /// <summary>Three (<see cref="IsPair"/> is then true too).</summary>
        static abstract bool IsTriple { get; }
    }

    private readonly struct OneTarget : ITargetCount
    {
        public static bool IsPair => false;
        public static bool IsTriple => false;
    }

    private readonly struct TwoTargets : ITargetCount
    {
        public static bool IsPair => true;
        public static bool IsTriple => false;
    }

    private readonly struct ThreeTargets : ITargetCount
    {
        public static bool IsPair => true;
        public static bool IsTriple => true;
    }

    /// <summary>The kernel gradients of target <paramref name="t"/> (and t + 1 for <see cref="TwoTargets"/>, t + 1 and t + 2 for <see cref="ThreeTargets"/>), from their gradients in <paramref name="wide"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TargetGradients<TVec, TCount>(ReadOnlySpan<float> input, int inputPlane, int inputWidth, ReadOnlySpan<float> wide, int run, int kernelSize,
        MapWiring wiring, int t, Span<float> kernelGradient)
        where TVec : struct, ISimdVector<TVec>
        where TCount : struct, ITargetCount
    {
        ReadOnlySpan<int> first = wiring.TargetStarts, source = wiring.SourceMaps, kernelOf = wiring.KernelIndices;
        int taps = kernelSize * kernelSize;
        ref float inputRef = ref Simd.Ref(input);
        ref float wideRef = ref Simd.Ref(wide);
        ref float kernelRef = ref Simd.Ref(kernelGradient);
        int fullVectors = run / TVec.Count, tail = run - (fullVectors * TVec.Count);
        nint last = run - TVec.Count;
        // The last vector overlaps the previous one; its shared lanes are cleared so they count once.
        TVec lastGradient = tail == 0 ? TVec.Zero : TVec.ClearLanesBelow(TVec.Load(ref wideRef, last), TVec.Count - tail);
        TVec lastSecond = tail == 0 || !TCount.IsPair ? TVec.Zero : TVec.ClearLanesBelow(TVec.Load(ref wideRef, run + last), TVec.Count - tail);
        TVec lastThird = tail == 0 || !TCount.IsTriple ? TVec.Zero : TVec.ClearLanesBelow(TVec.Load(ref wideRef, (2 * run) + last), TVec.Count - tail);
        for (int i = 0; i < first[t + 1] - first[t]; i++)
        {
            // A pair's targets read the same source at the same entry (the table is full).
            int e = first[t] + i;
            nint row = source[e] * inputPlane;
            int kernel = kernelOf[e] * taps, second = TCount.IsPair ? kernelOf[first[t + 1] + i] * taps : 0;
            int third = TCount.IsTriple ? kernelOf[first[t + 2] + i] * taps : 0;
            for (int ky = 0; ky < kernelSize; ky++, row += inputWidth)
            {
                // Five taps of a kernel row at once: each gradient vector loaded feeds five multiply-adds (the
                // input shifted by kx), five independent chains hide the latency, and nothing is reduced
                // horizontally until the whole map is summed. A row shorter than five repeats its last tap.
                for (int kx0 = 0; kx0 < kernelSize; kx0 += 5)
                {
                    int count = Math.Min(5, kernelSize - kx0);
                    nint a0 = row + kx0, a1 = a0 + Math.Min(1, count - 1), a2 = a0 + Math.Min(2, count - 1);
                    nint a3 = a0 + Math.Min(3, count - 1), a4 = a0 + Math.Min(4, count - 1);
                    TVec s0 = TVec.Zero, s1 = TVec.Zero, s2 = TVec.Zero, s3 = TVec.Zero, s4 = TVec.Zero;
                    TVec u0 = TVec.Zero, u1 = TVec.Zero, u2 = TVec.Zero, u3 = TVec.Zero, u4 = TVec.Zero;
                    TVec v0 = TVec.Zero, v1 = TVec.Zero, v2 = TVec.Zero, v3 = TVec.Zero, v4 = TVec.Zero;
                    for (nint q = 0; q < fullVectors * TVec.Count; q += TVec.Count)
                    {
                        var g = TVec.Load(ref wideRef, q);
                        var x0 = TVec.Load(ref inputRef, a0 + q);
                        var x1 = TVec.Load(ref inputRef, a1 + q);
                        var x2 = TVec.Load(ref inputRef, a2 + q);
                        var x3 = TVec.Load(ref inputRef, a3 + q);
                        var x4 = TVec.Load(ref inputRef, a4 + q);
                        s0 = TVec.MultiplyAdd(g, x0, s0);
                        s1 = TVec.MultiplyAdd(g, x1, s1);
                        s2 = TVec.MultiplyAdd(g, x2, s2);
                        s3 = TVec.MultiplyAdd(g, x3, s3);
                        s4 = TVec.MultiplyAdd(g, x4, s4);
                        if (TCount.IsPair)
                        {
                            var h = TVec.Load(ref wideRef, run + q);
                            u0 = TVec.MultiplyAdd(h, x0, u0);
                            u1 = TVec.MultiplyAdd(h, x1, u1);
                            u2 = TVec.MultiplyAdd(h, x2, u2);
                            u3 = TVec.MultiplyAdd(h, x3, u3);
                            u4 = TVec.MultiplyAdd(h, x4, u4);
                        }
                        if (TCount.IsTriple)
                        {
                            var k = TVec.Load(ref wideRef, (2 * run) + q);
                            v0 = TVec.MultiplyAdd(k, x0, v0);
                            v1 = TVec.MultiplyAdd(k, x1, v1);
                            v2 = TVec.MultiplyAdd(k, x2, v2);
                            v3 = TVec.MultiplyAdd(k, x3, v3);
                            v4 = TVec.MultiplyAdd(k, x4, v4);
                        }
                    }
                    if (tail != 0)
                    {
                        var x0 = TVec.Load(ref inputRef, a0 + last);
                        var x1 = TVec.Load(ref inputRef, a1 + last);
                        var x2 = TVec.Load(ref inputRef, a2 + last);
                        var x3 = TVec.Load(ref inputRef, a3 + last);
                        var x4 = TVec.Load(ref inputRef, a4 + last);
                        s0 = TVec.MultiplyAdd(lastGradient, x0, s0);
                        s1 = TVec.MultiplyAdd(lastGradient, x1, s1);
                        s2 = TVec.MultiplyAdd(lastGradient, x2, s2);
                        s3 = TVec.MultiplyAdd(lastGradient, x3, s3);
                        s4 = TVec.MultiplyAdd(lastGradient, x4, s4);
                        if (TCount.IsPair)
                        {
                            u0 = TVec.MultiplyAdd(lastSecond, x0, u0);
                            u1 = TVec.MultiplyAdd(lastSecond, x1, u1);
                            u2 = TVec.MultiplyAdd(lastSecond, x2, u2);
                            u3 = TVec.MultiplyAdd(lastSecond, x3, u3);
                            u4 = TVec.MultiplyAdd(lastSecond, x4, u4);
                        }
                        if (TCount.IsTriple)
                        {
                            v0 = TVec.MultiplyAdd(lastThird, x0, v0);
                            v1 = TVec.MultiplyAdd(lastThird, x1, v1);
                            v2 = TVec.MultiplyAdd(lastThird, x2, v2);
                            v3 = TVec.MultiplyAdd(lastThird, x3, v3);
                            v4 = TVec.MultiplyAdd(lastThird, x4, v4);
                        }
                    }
                    AddTaps(ref Unsafe.Add(ref kernelRef, kernel + (ky * kernelSize) + kx0), count, s0, s1, s2, s3, s4);
                    if (TCount.IsPair)
                        AddTaps(ref Unsafe.Add(ref kernelRef, second + (ky * kernelSize) + kx0), count, u0, u1, u2, u3, u4);
                    if (TCount.IsTriple)
                        AddTaps(ref Unsafe.Add(ref kernelRef, third + (ky * kernelSize) + kx0), count, v0, v1, v2, v3, v4);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTaps<TVec>(ref float tap, int count, TVec s0, TVec s1, TVec s2, TVec s3, TVec s4) where TVec : struct, ISimdVector<TVec>
    {
        tap += TVec.Sum(s0);
        if (count > 1) Unsafe.Add(ref tap, 1) += TVec.Sum(s1);
        if (count > 2) Unsafe.Add(ref tap, 2) += TVec.Sum(s2);
        if (count > 3) Unsafe.Add(ref tap, 3) += TVec.Sum(s3);
        if (count > 4) Unsafe.Add(ref tap, 4) += TVec.Sum(s4);
    }

    /// <summary>
    /// inputGradient[s] = Σ_{(t,k) wired to s} outputGradient[t] ⋆ᶠᵘˡˡ rot180(kernels[k]): the input gradient of
    /// <see cref="Correlate{TAct}"/>, written as the scatter it is, inputGradient[s][y+ky][x+kx] += kernels[k][ky][kx] · outputGradient[t][y][x],
    /// with <paramref name="transposed"/> the wiring's transpose (targets the input maps, sources the output maps). Kernels up to 5×5.
    /// <para>
    /// The output gradient is laid out in the input's row stride (zero past each row's end, and padded with zeros to whole
    /// vectors, so no lane needs clearing), so that tap (ky, kx) moves a whole vector of positions q to q + ky·iw + kx. For one input map, one kernel row and a pair of position vectors, the
    /// five taps' sums over every output map that input feeds stay in ten registers — each gradient vector loaded feeds five
    /// multiply-adds. Tap kx's sums go to a plane of their own at q + ky·iw, and the five planes are added, shifted by kx,
    /// at the end: added straight into the input gradient, each vector would be loaded while the store of the one before,
    /// one float to the left, was still in flight, and the processor cannot forward a store to a load that only overlaps it.
    /// This replaced correlating the zero-padded gradient with the rotated kernels, which multiplied the padding (twice the
    /// work for C3) with one input load per multiply-add.
    /// </para>
    /// outputGradient (targets, ih−K+1, iw−K+1), kernels (n, K, K) -> inputGradient (sources, ih, iw), overwritten.
    /// <paramref name="scratch"/>: <see cref="InputGradientScratchSize"/> floats.
    /// </summary>
    public static void InputGradient(ReadOnlySpan<float> outputGradient, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        MapWiring transposed, Span<float> inputGradient, Span<float> scratch)
    {
        switch (Simd.WidthFor(RunLength(inputHeight, inputWidth, kernelSize)))
        {
            case 16: InputGradient<Vec512>(outputGradient, inputHeight, inputWidth, kernels, kernelSize, transposed, inputGradient, scratch); break;
            case 8: InputGradient<Vec256>(outputGradient, inputHeight, inputWidth, kernels, kernelSize, transposed, inputGradient, scratch); break;
            case 4: InputGradient<Vec128>(outputGradient, inputHeight, inputWidth, kernels, kernelSize, transposed, inputGradient, scratch); break;
            default: InputGradient<Vec32>(outputGradient, inputHeight, inputWidth, kernels, kernelSize, transposed, inputGradient, scratch); break;
        }
    }

    /// <summary>
    /// Floats of scratch <see cref="InputGradient"/> needs: the output gradient in the input's row stride, whole vectors
    /// of it, and one plane per tap of a kernel row for every input map, each behind K − 1 zeros.
    /// </summary>
    public static int InputGradientScratchSize(int outputMaps, int inputMaps, int inputHeight, int inputWidth, int kernelSize)
        => (outputMaps * PaddedRunLength(inputHeight, inputWidth, kernelSize)) + (kernelSize * TapPlanesLength(inputMaps, inputHeight, inputWidth, kernelSize));

    /// <summary>
    /// K − 1 leading zeros, the input maps, and room for the vector lanes past the last map's run (which carry zeros).
    /// </summary>
    private static int TapPlanesLength(int inputMaps, int inputHeight, int inputWidth, int kernelSize)
        => (kernelSize - 1) + (inputMaps * inputHeight * inputWidth) + (PaddedRunLength(inputHeight, inputWidth, kernelSize) - RunLength(inputHeight, inputWidth, kernelSize));

    /// <summary>The run rounded up to the widest vector (16 floats), so that one scratch layout serves every width.</summary>
    private static int PaddedRunLength(int inputHeight, int inputWidth, int kernelSize) => (RunLength(inputHeight, inputWidth, kernelSize) + 15) / 16 * 16;

    /// <inheritdoc cref="InputGradient(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, MapWiring, Span{float}, Span{float})"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient<TVec>(ReadOnlySpan<float> outputGradient, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        MapWiring transposed, Span<float> inputGradient, Span<float> scratch)
        where TVec : struct, ISimdVector<TVec>
    {
        int outputHeight = inputHeight - kernelSize + 1, outputWidth = inputWidth - kernelSize + 1;
        int inputPlane = inputHeight * inputWidth, outputPlane = outputHeight * outputWidth, taps = kernelSize * kernelSize;
        int run = RunLength(inputHeight, inputWidth, kernelSize), outputMaps = transposed.Sources, inputMaps = transposed.Targets;
        CheckSizes(inputGradient.Length, inputMaps * inputPlane, outputGradient.Length, outputMaps * outputPlane, TVec.Count, run);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kernelSize, 5, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(scratch.Length, InputGradientScratchSize(outputMaps, inputMaps, inputHeight, inputWidth, kernelSize), nameof(scratch));
        ReadOnlySpan<int> first = transposed.TargetStarts, source = transposed.SourceMaps, kernelOf = transposed.KernelIndices;
        for (int k = 0; k < kernelOf.Length; k++)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((kernelOf[k] + 1) * taps, kernels.Length, nameof(kernels));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)source[k], (uint)outputMaps, nameof(transposed));
        }

        // wide (output maps, stride): the gradient in the input's row stride, as whole vectors (zero past the run).
        // planes (K, K − 1 + input maps · ih · iw + the lanes past the run): tap kx's sums.
        int vectors = (run + TVec.Count - 1) / TVec.Count, stride = vectors * TVec.Count;
        int planeLength = TapPlanesLength(inputMaps, inputHeight, inputWidth, kernelSize), lead = kernelSize - 1;
        Span<float> wide = scratch[..(outputMaps * stride)];
        Span<float> planes = scratch.Slice(outputMaps * stride, kernelSize * planeLength);
        planes.Clear();
        for (int t = 0; t < outputMaps; t++)
        {
            ToRowStride(outputGradient.Slice(t * outputPlane, outputPlane), outputHeight, outputWidth, inputWidth, wide.Slice(t * stride, run));
            wide.Slice((t * stride) + run, stride - run).Clear();
        }

        ref float wideRef = ref Simd.Ref(wide);
        ref float kernelRef = ref Simd.Ref(kernels);
        ref float planeRef = ref Simd.Ref(planes);
        // Per wiring entry, where its output map starts in wide and its kernel in kernels.
        Span<nint> offsets = kernelOf.Length <= 256 ? stackalloc nint[2 * kernelOf.Length] : new nint[2 * kernelOf.Length];
        for (int e = 0; e < kernelOf.Length; e++)
        {
            offsets[2 * e] = (nint)source[e] * stride;
            offsets[(2 * e) + 1] = (nint)kernelOf[e] * taps;
        }
        ref nint offsetRef = ref MemoryMarshal.GetReference(offsets);
        for (int s = 0; s < inputMaps; s++)
        {
            ref nint entryOffsets = ref Unsafe.Add(ref offsetRef, 2 * first[s]);
            int entries = first[s + 1] - first[s];
            for (int ky = 0; ky < kernelSize; ky++)
            {
                var block = new ScatterBlock(entries, ky * kernelSize, kernelSize, planeLength, lead + ((nint)s * inputPlane) + (ky * inputWidth));
                if (kernelSize == 5)
                    ScatterRowOfFive<TVec>(ref wideRef, ref kernelRef, ref planeRef, ref entryOffsets, block, vectors);
                else
                    ScatterRow<TVec>(ref wideRef, ref kernelRef, ref planeRef, ref entryOffsets, block, vectors);
            }
        }

        // inputGradient[i] = Σ_kx planes[kx][i − kx], the K − 1 leading zeros standing in for i < kx.
        ref float resultRef = ref Simd.Ref(inputGradient);
        int total = inputMaps * inputPlane;
        for (int i = 0; i < total; i += TVec.Count)
        {
            nint p = Math.Min(i, total - TVec.Count);
            var sum = TVec.Load(ref planeRef, lead + p);
            for (int kx = 1; kx < kernelSize; kx++)
                sum = TVec.Add(sum, TVec.Load(ref planeRef, (kx * planeLength) + lead + p - kx));
            TVec.Store(sum, ref resultRef, p);
        }
    }

    /// <summary>One input map's kernel row in <see cref="InputGradient{TVec}"/>: its entries, the strides, and where its sums go in the planes.</summary>
    private readonly record struct ScatterBlock(int Entries, int Tap, int KernelSize, nint PlaneLength, nint At);

    /// <summary>
    /// One kernel row of five taps (every LeNet-5 layer's) over every vector of positions: two at a time, three in
    /// AVX-512's 32 registers (C3's nine vectors in three steps), a last one or two alone. A method of its own so that
    /// each <see cref="Scatter{TVec, TCount}"/> it inlines gets its constants: with all five variants in one method the
    /// JIT ran out of inlining budget and called even the vector operators (2× slower, measured).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScatterRowOfFive<TVec>(ref float wide, ref float kernels, ref float planes, ref nint offsets, ScatterBlock block, int vectors)
        where TVec : struct, ISimdVector<TVec>
    {
        int step = TVec.Count == 16 ? 3 : 2;
        for (int v = 0; v < vectors; v += step)
        {
            nint q = (nint)v * TVec.Count;
            int count = Math.Min(step, vectors - v);
            if (TVec.Count == 16 && count == 3)
                Scatter<TVec, ThreeTargets>(ref wide, ref kernels, ref planes, ref offsets, q, block, 1, 2, 3, 4);
            else if (count == 2)
                Scatter<TVec, TwoTargets>(ref wide, ref kernels, ref planes, ref offsets, q, block, 1, 2, 3, 4);
            else
                Scatter<TVec, OneTarget>(ref wide, ref kernels, ref planes, ref offsets, q, block, 1, 2, 3, 4);
        }
    }

    /// <summary>One kernel row of fewer than five taps, two vectors of positions at a time (a last odd one alone); taps past the row's end repeat its last one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScatterRow<TVec>(ref float wide, ref float kernels, ref float planes, ref nint offsets, ScatterBlock block, int vectors)
        where TVec : struct, ISimdVector<TVec>
    {
        int c = block.KernelSize - 1;
        nint j1 = Math.Min(1, c), j2 = Math.Min(2, c), j3 = Math.Min(3, c), j4 = Math.Min(4, c);
        for (int v = 0; v < vectors; v += 2)
        {
            nint q = (nint)v * TVec.Count;
            if (v + 1 < vectors)
                Scatter<TVec, TwoTargets>(ref wide, ref kernels, ref planes, ref offsets, q, block, j1, j2, j3, j4);
            else
                Scatter<TVec, OneTarget>(ref wide, ref kernels, ref planes, ref offsets, q, block, j1, j2, j3, j4);
        }
    }

    /// <summary>
    /// The five taps of one kernel row for one vector of positions at <paramref name="q"/> (two for <see cref="TwoTargets"/>,
    /// three for <see cref="ThreeTargets"/>), summed over every output map the input map feeds, in the wiring's order, then
    /// added to the tap planes. Inlined with constant tap offsets, the loop over the output maps is two gradient loads, five
    /// broadcasts and ten multiply-adds (three, five and fifteen). Each position's sum runs over the same maps in the same
    /// order however many vectors share a broadcast, so the result does not change by a bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Scatter<TVec, TCount>(ref float wide, ref float kernels, ref float planes, ref nint offsets, nint q, ScatterBlock block,
        nint j1, nint j2, nint j3, nint j4)
        where TVec : struct, ISimdVector<TVec>
        where TCount : struct, ITargetCount
    {
        TVec a0 = TVec.Zero, a1 = TVec.Zero, a2 = TVec.Zero, a3 = TVec.Zero, a4 = TVec.Zero;
        TVec b0 = TVec.Zero, b1 = TVec.Zero, b2 = TVec.Zero, b3 = TVec.Zero, b4 = TVec.Zero;
        TVec c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero, c3 = TVec.Zero, c4 = TVec.Zero;
        ref float gradients = ref Unsafe.Add(ref wide, q);
        ref float row = ref Unsafe.Add(ref kernels, block.Tap);
        for (int e = 0; e < block.Entries; e++)
        {
            ref float g = ref Unsafe.Add(ref gradients, Unsafe.Add(ref offsets, 2 * e));
            var g0 = TVec.Load(ref g, 0);
            var g1 = TCount.IsPair ? TVec.Load(ref g, TVec.Count) : TVec.Zero;
            var g2 = TCount.IsTriple ? TVec.Load(ref g, 2 * TVec.Count) : TVec.Zero;
            ref float w = ref Unsafe.Add(ref row, Unsafe.Add(ref offsets, (2 * e) + 1));
            var w0 = TVec.Broadcast(w);
            a0 = TVec.MultiplyAdd(w0, g0, a0);
            if (TCount.IsPair) b0 = TVec.MultiplyAdd(w0, g1, b0);
            if (TCount.IsTriple) c0 = TVec.MultiplyAdd(w0, g2, c0);
            var w1 = TVec.Broadcast(Unsafe.Add(ref w, j1));
            a1 = TVec.MultiplyAdd(w1, g0, a1);
            if (TCount.IsPair) b1 = TVec.MultiplyAdd(w1, g1, b1);
            if (TCount.IsTriple) c1 = TVec.MultiplyAdd(w1, g2, c1);
            var w2 = TVec.Broadcast(Unsafe.Add(ref w, j2));
            a2 = TVec.MultiplyAdd(w2, g0, a2);
            if (TCount.IsPair) b2 = TVec.MultiplyAdd(w2, g1, b2);
            if (TCount.IsTriple) c2 = TVec.MultiplyAdd(w2, g2, c2);
            var w3 = TVec.Broadcast(Unsafe.Add(ref w, j3));
            a3 = TVec.MultiplyAdd(w3, g0, a3);
            if (TCount.IsPair) b3 = TVec.MultiplyAdd(w3, g1, b3);
            if (TCount.IsTriple) c3 = TVec.MultiplyAdd(w3, g2, c3);
            var w4 = TVec.Broadcast(Unsafe.Add(ref w, j4));
            a4 = TVec.MultiplyAdd(w4, g0, a4);
            if (TCount.IsPair) b4 = TVec.MultiplyAdd(w4, g1, b4);
            if (TCount.IsTriple) c4 = TVec.MultiplyAdd(w4, g2, c4);
        }
        int k = block.KernelSize;
        nint at = block.At + q, length = block.PlaneLength;
        AddTo(ref planes, at, a0);
        if (k > 1) AddTo(ref planes, length + at, a1);
        if (k > 2) AddTo(ref planes, (2 * length) + at, a2);
        if (k > 3) AddTo(ref planes, (3 * length) + at, a3);
        if (k > 4) AddTo(ref planes, (4 * length) + at, a4);
        if (!TCount.IsPair)
            return;
        at += TVec.Count;
        AddTo(ref planes, at, b0);
        if (k > 1) AddTo(ref planes, length + at, b1);
        if (k > 2) AddTo(ref planes, (2 * length) + at, b2);
        if (k > 3) AddTo(ref planes, (3 * length) + at, b3);
        if (k > 4) AddTo(ref planes, (4 * length) + at, b4);
        if (!TCount.IsTriple)
            return;
        at += TVec.Count;
        AddTo(ref planes, at, c0);
        if (k > 1) AddTo(ref planes, length + at, c1);
        if (k > 2) AddTo(ref planes, (2 * length) + at, c2);
        if (k > 3) AddTo(ref planes, (3 * length) + at, c3);
        if (k > 4) AddTo(ref planes, (4 * length) + at, c4);
    }

    /// <summary>
    /// One map in the input's row stride: wide[y·iw + x] = map[y·ow + x], and 0 for ow ≤ x &lt; iw between rows, the layout
    /// in which tap (ky, kx) is one shift, ky·iw + kx, of a whole vector of positions. Writes exactly the run, (oh − 1)·iw + ow floats.
    /// </summary>
    internal static void ToRowStride(ReadOnlySpan<float> map, int outputHeight, int outputWidth, int inputWidth, Span<float> wide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(map.Length, outputHeight * outputWidth, nameof(map));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputWidth, inputWidth, nameof(outputWidth));
        ArgumentOutOfRangeException.ThrowIfLessThan(wide.Length, ((outputHeight - 1) * inputWidth) + outputWidth, nameof(wide));
        switch (Simd.WidthFor(outputWidth))
        {
            case 16: ToRowStride<Vec512>(map, outputHeight, outputWidth, inputWidth, wide); break;
            case 8: ToRowStride<Vec256>(map, outputHeight, outputWidth, inputWidth, wide); break;
            case 4: ToRowStride<Vec128>(map, outputHeight, outputWidth, inputWidth, wide); break;
            default: ToRowStride<Vec32>(map, outputHeight, outputWidth, inputWidth, wide); break;
        }
    }

    /// <summary>
    /// <see cref="ToRowStride(ReadOnlySpan{float}, int, int, int, Span{float})"/> a vector at a time (TVec.Count ≤ ow): each row as
    /// whole vectors, the last ending at the row's end (overlapping the one before), after the zeros of the gap that
    /// follows it, whose last vector may reach into the next row before that row is written. It replaced a clear and a span
    /// copy per row (a call each, 144 for C1's six maps): C1's kernel gradient 1.22× at 512 bits, 1.14× at 256 (measured).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ToRowStride<TVec>(ReadOnlySpan<float> map, int outputHeight, int outputWidth, int inputWidth, Span<float> wide)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float from = ref Simd.Ref(map);
        ref float to = ref Simd.Ref(wide);
        nint lastStart = outputWidth - TVec.Count;
        for (int y = 0; y < outputHeight; y++)
        {
            nint source = (nint)y * outputWidth, destination = (nint)y * inputWidth;
            if (y < outputHeight - 1)
            {
                for (nint x = outputWidth; x < inputWidth; x += TVec.Count)
                    TVec.Store(TVec.Zero, ref to, destination + x);
            }
            for (nint x = 0; x < lastStart; x += TVec.Count)
                TVec.Store(TVec.Load(ref from, source + x), ref to, destination + x);
            TVec.Store(TVec.Load(ref from, source + lastStart), ref to, destination + lastStart);
        }
    }

    /// <summary>
    /// The inverse of <see cref="ToRowStride(ReadOnlySpan{float}, int, int, int, Span{float})"/>: map[y·ow + x] = wide[y·iw + x], the
    /// correlations' results taken out of the input's row stride. Reads exactly the run, (oh − 1)·iw + ow floats.
    /// </summary>
    internal static void FromRowStride(ReadOnlySpan<float> wide, int outputHeight, int outputWidth, int inputWidth, Span<float> map)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(map.Length, outputHeight * outputWidth, nameof(map));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputWidth, inputWidth, nameof(outputWidth));
        ArgumentOutOfRangeException.ThrowIfLessThan(wide.Length, ((outputHeight - 1) * inputWidth) + outputWidth, nameof(wide));
        switch (Simd.WidthFor(outputWidth))
        {
            case 16: FromRowStride<Vec512>(wide, outputHeight, outputWidth, inputWidth, map); break;
            case 8: FromRowStride<Vec256>(wide, outputHeight, outputWidth, inputWidth, map); break;
            case 4: FromRowStride<Vec128>(wide, outputHeight, outputWidth, inputWidth, map); break;
            default: FromRowStride<Vec32>(wide, outputHeight, outputWidth, inputWidth, map); break;
        }
    }

    /// <summary>
    /// <see cref="FromRowStride(ReadOnlySpan{float}, int, int, int, Span{float})"/> a vector at a time (TVec.Count ≤ ow): each row as
    /// whole vectors, the last ending at the row's end and overlapping the one before (the same values written twice). It
    /// replaced a span copy per row, a call each: 168 for C1's six maps.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FromRowStride<TVec>(ReadOnlySpan<float> wide, int outputHeight, int outputWidth, int inputWidth, Span<float> map)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float from = ref Simd.Ref(wide);
        ref float to = ref Simd.Ref(map);
        nint lastStart = outputWidth - TVec.Count;
        for (int y = 0; y < outputHeight; y++)
        {
            nint source = (nint)y * inputWidth, destination = (nint)y * outputWidth;
            for (nint x = 0; x < lastStart; x += TVec.Count)
                TVec.Store(TVec.Load(ref from, source + x), ref to, destination + x);
            TVec.Store(TVec.Load(ref from, source + lastStart), ref to, destination + lastStart);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TVec>(ref float destination, nint at, TVec value) where TVec : struct, ISimdVector<TVec>
        => TVec.Store(TVec.Add(TVec.Load(ref destination, at), value), ref destination, at);

    /// <summary>Flat positions a map spans in the input's row stride: (oh − 1)·iw + ow.</summary>
    private static int RunLength(int inputHeight, int inputWidth, int kernelSize)
        => ((inputHeight - kernelSize) * inputWidth) + (inputWidth - kernelSize + 1);

    /// <summary>Start of vector <paramref name="index"/> of a run: the last one ends exactly at the run's end, and any past it repeat it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Start<TVec>(int index, int vectors, int run) where TVec : struct, ISimdVector<TVec>
        => index < vectors - 1 ? index * TVec.Count : run - TVec.Count;

    private static void CheckSizes(int inputLength, int inputNeeded, int outputLength, int outputNeeded, int vectorWidth, int run)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, inputNeeded, "input");
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, outputNeeded, "output");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vectorWidth, run, "vector width");
    }
}
