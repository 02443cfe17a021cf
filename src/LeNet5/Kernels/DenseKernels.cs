using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>
/// A fully connected layer over a whole batch, as three register-blocked matrix products (C5 over the 400 S4
/// outputs, F6, the Modern output). Shapes, row-major: X (B, K) inputs, W (N, K) weights, Y (B, N) outputs.
/// <list type="bullet">
/// <item><see cref="Forward"/>: Y = X·Wᵀ + b, as dot products along K in blocks of 3 images × 3 outputs: each
/// vector of weights loaded feeds three images and each vector of inputs three outputs. Every (image, output) has
/// its own accumulator, summed in the same order whatever the batch, so an image's outputs are bit for bit the
/// same alone or in any batch, at any position: <c>Predict</c> over a batch split across threads equals it whole.
/// (Packing Wᵀ into panels would avoid the horizontal sums, but costs a transpose of W per call, as much as the
/// product itself at batch 1.) The weight rows are taken in chunks that stay in L1 while every image passes over them.</item>
/// <item><see cref="AccumulateGradients"/>: dW += dYᵀ·X and db += Σ_b dY. A 3×3 block of (outputs × input vectors)
/// stays in registers across the whole batch and is added to dW once: no per-image rank-1 update.
/// <see cref="WriteGradients"/> stores the block instead, for a destination nobody needs to clear.</item>
/// <item><see cref="InputGradient"/>: dX = dY·W, a 3×3 block of (images × input vectors) in registers.</item>
/// </list>
/// With AVX-512's 32 registers all three use 6 × 4 blocks where the shapes allow. Every kernel is generic over the
/// vector width; the dispatching overloads pick the widest that fits K.
/// </summary>
internal static class DenseKernels
{
    /// <summary>Rows (images or outputs) × vectors of a block: 9 accumulators and 3 + 1 operands fit AVX2's 16 registers.</summary>
    private const int BlockRows = 3;

    private const int BlockVectors = 3;

    /// <summary>Outputs per forward block when fewer than three images remain: six chains hide the multiply-add latency.</summary>
    private const int RowOutputs = 6;

    /// <summary>Vectors of columns per step of <see cref="InputGradientRow"/>: six accumulators, six loads and a broadcast.</summary>
    private const int RowVectors = 6;

    /// <summary>Images from which a weight-gradient block is worth a call of its own (<see cref="WeightGradientBlockAlone"/>).</summary>
    private const int DeepBatch = 8;

    /// <summary>
    /// With AVX-512's 32 registers, blocks of 6 rows (images, or outputs for the weight gradient) × 4 of the other
    /// (outputs or input vectors): 24 accumulators, 4 + 1 operands, ten loads for 24 multiply-adds instead of six for nine.
    /// Each accumulator sums the same terms in the same order as in the smaller blocks, so the shape changes no bit.
    /// </summary>
    private const int WideImages = 6;

    private const int WideOutputs = 4;

    /// <summary>y (B, N) = x (B, K) · wᵀ + bias, w (N, K), bias (N), with no activation.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch)
        => Forward<ActivationKernels.IdentityOp>(x, weights, bias, y, batch);

    /// <summary>y (B, N) = f(x (B, K) · wᵀ + bias), w (N, K), bias (N), f the activation <typeparamref name="TAct"/>.</summary>
    public static void Forward<TAct>(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch)
        where TAct : struct, ActivationKernels.IActivationOp
    {
        switch (Simd.WidthFor(bias.Length == 0 ? 0 : weights.Length / bias.Length))
        {
            case 16: Forward<Vec512, TAct>(x, weights, bias, y, batch); break;
            case 8: Forward<Vec256, TAct>(x, weights, bias, y, batch); break;
            case 4: Forward<Vec128, TAct>(x, weights, bias, y, batch); break;
            default: Forward<Vec32, TAct>(x, weights, bias, y, batch); break;
        }
    }

    /// <inheritdoc cref="Forward{TAct}(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TVec, TAct>(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch)
        where TVec : struct, ISimdVector<TVec>
        where TAct : struct, ActivationKernels.IActivationOp
    {
        int outputs = bias.Length, inputs = CheckShapes(x, weights, outputs, y, batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, inputs, "vector width");
        ref float xRef = ref Simd.Ref(x);
        ref float wRef = ref Simd.Ref(weights);
        int whole = inputs / TVec.Count;
        // The overlapping last vector's lanes below firstKept belong to the vector before it.
        int firstKept = (whole * TVec.Count) - (inputs - TVec.Count);
        int b = 0;
        if (TVec.Count >= 16)
        {
            for (; b + WideImages <= batch; b += WideImages)
            {
                for (int n = 0; n < outputs; n += WideOutputs)
                    ForwardBlockWide<TVec>(ref xRef, ref wRef, bias, y, b, n, Math.Min(WideOutputs, outputs - n), inputs, outputs, whole, firstKept);
            }
        }

        // A chunk of weight rows stays in L1 while every image passes over it: streaming all of C5's 192 KB from L2 for
        // each block of images (AVX2's blocks are three images deep) left the kernel waiting on L2 at batch 64.
        int chunk = L1Rows(inputs), blocked = b + ((batch - b) / BlockRows * BlockRows);
        for (int n0 = 0; n0 < outputs; n0 += chunk)
        {
            int end = Math.Min(outputs, n0 + chunk);
            for (int i = b; i < blocked; i += BlockRows)
            {
                for (int n = n0; n < end; n += BlockRows)
                    ForwardBlock<TVec>(ref xRef, ref wRef, bias, y, i, n, Math.Min(BlockRows, outputs - n), inputs, outputs, whole, firstKept);
            }
        }
        b = blocked;

        for (; b < batch; b++)
        {
            for (int n = 0; n < outputs; n += RowOutputs)
                ForwardRow<TVec>(ref xRef, ref wRef, bias, y, b, n, Math.Min(RowOutputs, outputs - n), inputs, outputs, whole, firstKept);
        }

        ActivationKernels.Forward<TAct>(y[..(batch * outputs)]);
    }

    /// <summary>
    /// Images b..b+2 × outputs n..n+count−1 (a short block repeats its last output and stores it once). A method of its
    /// own: inlined into <see cref="Forward{TVec, TAct}"/>, the JIT stored and reloaded all nine accumulators on every step
    /// of the loop, and C5's forward pass at batch 64 ran at a fifth of the speed it runs at now (AVX2, Zen 3).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlock<TVec>(ref float x, ref float w, ReadOnlySpan<float> bias, Span<float> y, int b, int n, int count,
        int inputs, int outputs, int whole, int firstKept)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float x0 = ref Unsafe.Add(ref x, (nint)b * inputs);
        ref float x1 = ref Unsafe.Add(ref x0, inputs);
        ref float x2 = ref Unsafe.Add(ref x1, inputs);
        ref float w0 = ref Unsafe.Add(ref w, (nint)n * inputs);
        ref float w1 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(1, count - 1)) * inputs);
        ref float w2 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(2, count - 1)) * inputs);
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c02 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero, c12 = TVec.Zero;
        TVec c20 = TVec.Zero, c21 = TVec.Zero, c22 = TVec.Zero;
        for (nint k = 0; k < (nint)whole * TVec.Count; k += TVec.Count)
        {
            var a0 = TVec.Load(ref w0, k);
            var a1 = TVec.Load(ref w1, k);
            var a2 = TVec.Load(ref w2, k);
            var xv = TVec.Load(ref x0, k);
            c00 = TVec.MultiplyAdd(xv, a0, c00); c01 = TVec.MultiplyAdd(xv, a1, c01); c02 = TVec.MultiplyAdd(xv, a2, c02);
            xv = TVec.Load(ref x1, k);
            c10 = TVec.MultiplyAdd(xv, a0, c10); c11 = TVec.MultiplyAdd(xv, a1, c11); c12 = TVec.MultiplyAdd(xv, a2, c12);
            xv = TVec.Load(ref x2, k);
            c20 = TVec.MultiplyAdd(xv, a0, c20); c21 = TVec.MultiplyAdd(xv, a1, c21); c22 = TVec.MultiplyAdd(xv, a2, c22);
        }
        if (firstKept < TVec.Count)
        {
            // The last vector ends at the row's end; its lanes below firstKept were summed with the vector before.
            nint k = inputs - TVec.Count;
            var a0 = TVec.Load(ref w0, k);
            var a1 = TVec.Load(ref w1, k);
            var a2 = TVec.Load(ref w2, k);
            var xv = TVec.ClearLanesBelow(TVec.Load(ref x0, k), firstKept);
            c00 = TVec.MultiplyAdd(xv, a0, c00); c01 = TVec.MultiplyAdd(xv, a1, c01); c02 = TVec.MultiplyAdd(xv, a2, c02);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x1, k), firstKept);
            c10 = TVec.MultiplyAdd(xv, a0, c10); c11 = TVec.MultiplyAdd(xv, a1, c11); c12 = TVec.MultiplyAdd(xv, a2, c12);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x2, k), firstKept);
            c20 = TVec.MultiplyAdd(xv, a0, c20); c21 = TVec.MultiplyAdd(xv, a1, c21); c22 = TVec.MultiplyAdd(xv, a2, c22);
        }
        int row = b * outputs;
        y[row + n] = bias[n] + TVec.Sum(c00);
        y[row + outputs + n] = bias[n] + TVec.Sum(c10);
        y[row + (2 * outputs) + n] = bias[n] + TVec.Sum(c20);
        if (count > 1)
        {
            y[row + n + 1] = bias[n + 1] + TVec.Sum(c01);
            y[row + outputs + n + 1] = bias[n + 1] + TVec.Sum(c11);
            y[row + (2 * outputs) + n + 1] = bias[n + 1] + TVec.Sum(c21);
        }
        if (count > 2)
        {
            y[row + n + 2] = bias[n + 2] + TVec.Sum(c02);
            y[row + outputs + n + 2] = bias[n + 2] + TVec.Sum(c12);
            y[row + (2 * outputs) + n + 2] = bias[n + 2] + TVec.Sum(c22);
        }
    }

    /// <summary>Images b..b+5 × outputs n..n+count−1 (count ≤ 4; a short block repeats its last output and stores it once), summed as <see cref="ForwardBlock"/> sums them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlockWide<TVec>(ref float x, ref float w, ReadOnlySpan<float> bias, Span<float> y, int b, int n, int count,
        int inputs, int outputs, int whole, int firstKept)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float x0 = ref Unsafe.Add(ref x, (nint)b * inputs);
        ref float x1 = ref Unsafe.Add(ref x0, inputs);
        ref float x2 = ref Unsafe.Add(ref x1, inputs);
        ref float x3 = ref Unsafe.Add(ref x2, inputs);
        ref float x4 = ref Unsafe.Add(ref x3, inputs);
        ref float x5 = ref Unsafe.Add(ref x4, inputs);
        ref float w0 = ref Unsafe.Add(ref w, (nint)n * inputs);
        ref float w1 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(1, count - 1)) * inputs);
        ref float w2 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(2, count - 1)) * inputs);
        ref float w3 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(3, count - 1)) * inputs);
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c02 = TVec.Zero, c03 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero, c12 = TVec.Zero, c13 = TVec.Zero;
        TVec c20 = TVec.Zero, c21 = TVec.Zero, c22 = TVec.Zero, c23 = TVec.Zero, c30 = TVec.Zero, c31 = TVec.Zero, c32 = TVec.Zero, c33 = TVec.Zero;
        TVec c40 = TVec.Zero, c41 = TVec.Zero, c42 = TVec.Zero, c43 = TVec.Zero, c50 = TVec.Zero, c51 = TVec.Zero, c52 = TVec.Zero, c53 = TVec.Zero;
        for (nint k = 0; k < (nint)whole * TVec.Count; k += TVec.Count)
        {
            var a0 = TVec.Load(ref w0, k);
            var a1 = TVec.Load(ref w1, k);
            var a2 = TVec.Load(ref w2, k);
            var a3 = TVec.Load(ref w3, k);
            var xv = TVec.Load(ref x0, k);
            c00 = TVec.MultiplyAdd(xv, a0, c00); c01 = TVec.MultiplyAdd(xv, a1, c01); c02 = TVec.MultiplyAdd(xv, a2, c02); c03 = TVec.MultiplyAdd(xv, a3, c03);
            xv = TVec.Load(ref x1, k);
            c10 = TVec.MultiplyAdd(xv, a0, c10); c11 = TVec.MultiplyAdd(xv, a1, c11); c12 = TVec.MultiplyAdd(xv, a2, c12); c13 = TVec.MultiplyAdd(xv, a3, c13);
            xv = TVec.Load(ref x2, k);
            c20 = TVec.MultiplyAdd(xv, a0, c20); c21 = TVec.MultiplyAdd(xv, a1, c21); c22 = TVec.MultiplyAdd(xv, a2, c22); c23 = TVec.MultiplyAdd(xv, a3, c23);
            xv = TVec.Load(ref x3, k);
            c30 = TVec.MultiplyAdd(xv, a0, c30); c31 = TVec.MultiplyAdd(xv, a1, c31); c32 = TVec.MultiplyAdd(xv, a2, c32); c33 = TVec.MultiplyAdd(xv, a3, c33);
            xv = TVec.Load(ref x4, k);
            c40 = TVec.MultiplyAdd(xv, a0, c40); c41 = TVec.MultiplyAdd(xv, a1, c41); c42 = TVec.MultiplyAdd(xv, a2, c42); c43 = TVec.MultiplyAdd(xv, a3, c43);
            xv = TVec.Load(ref x5, k);
            c50 = TVec.MultiplyAdd(xv, a0, c50); c51 = TVec.MultiplyAdd(xv, a1, c51); c52 = TVec.MultiplyAdd(xv, a2, c52); c53 = TVec.MultiplyAdd(xv, a3, c53);
        }
        if (firstKept < TVec.Count)
        {
            // The last vector ends at the row's end; its lanes below firstKept were summed with the vector before.
            nint k = inputs - TVec.Count;
            var a0 = TVec.Load(ref w0, k);
            var a1 = TVec.Load(ref w1, k);
            var a2 = TVec.Load(ref w2, k);
            var a3 = TVec.Load(ref w3, k);
            var xv = TVec.ClearLanesBelow(TVec.Load(ref x0, k), firstKept);
            c00 = TVec.MultiplyAdd(xv, a0, c00); c01 = TVec.MultiplyAdd(xv, a1, c01); c02 = TVec.MultiplyAdd(xv, a2, c02); c03 = TVec.MultiplyAdd(xv, a3, c03);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x1, k), firstKept);
            c10 = TVec.MultiplyAdd(xv, a0, c10); c11 = TVec.MultiplyAdd(xv, a1, c11); c12 = TVec.MultiplyAdd(xv, a2, c12); c13 = TVec.MultiplyAdd(xv, a3, c13);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x2, k), firstKept);
            c20 = TVec.MultiplyAdd(xv, a0, c20); c21 = TVec.MultiplyAdd(xv, a1, c21); c22 = TVec.MultiplyAdd(xv, a2, c22); c23 = TVec.MultiplyAdd(xv, a3, c23);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x3, k), firstKept);
            c30 = TVec.MultiplyAdd(xv, a0, c30); c31 = TVec.MultiplyAdd(xv, a1, c31); c32 = TVec.MultiplyAdd(xv, a2, c32); c33 = TVec.MultiplyAdd(xv, a3, c33);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x4, k), firstKept);
            c40 = TVec.MultiplyAdd(xv, a0, c40); c41 = TVec.MultiplyAdd(xv, a1, c41); c42 = TVec.MultiplyAdd(xv, a2, c42); c43 = TVec.MultiplyAdd(xv, a3, c43);
            xv = TVec.ClearLanesBelow(TVec.Load(ref x5, k), firstKept);
            c50 = TVec.MultiplyAdd(xv, a0, c50); c51 = TVec.MultiplyAdd(xv, a1, c51); c52 = TVec.MultiplyAdd(xv, a2, c52); c53 = TVec.MultiplyAdd(xv, a3, c53);
        }
        StoreOutputs(y, bias, (b * outputs) + n, n, count, c00, c01, c02, c03);
        StoreOutputs(y, bias, ((b + 1) * outputs) + n, n, count, c10, c11, c12, c13);
        StoreOutputs(y, bias, ((b + 2) * outputs) + n, n, count, c20, c21, c22, c23);
        StoreOutputs(y, bias, ((b + 3) * outputs) + n, n, count, c30, c31, c32, c33);
        StoreOutputs(y, bias, ((b + 4) * outputs) + n, n, count, c40, c41, c42, c43);
        StoreOutputs(y, bias, ((b + 5) * outputs) + n, n, count, c50, c51, c52, c53);
    }

    /// <summary>y[at + j] = bias[n + j] + Σ lanes of s_j for j &lt; count (at most four).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOutputs<TVec>(Span<float> y, ReadOnlySpan<float> bias, int at, int n, int count, TVec s0, TVec s1, TVec s2, TVec s3)
        where TVec : struct, ISimdVector<TVec>
    {
        y[at] = bias[n] + TVec.Sum(s0);
        if (count > 1) y[at + 1] = bias[n + 1] + TVec.Sum(s1);
        if (count > 2) y[at + 2] = bias[n + 2] + TVec.Sum(s2);
        if (count > 3) y[at + 3] = bias[n + 3] + TVec.Sum(s3);
    }

    /// <summary>
    /// Image b × outputs n..n+count−1, each summed exactly as <see cref="ForwardBlock"/> sums it (one accumulator,
    /// vectors in order, the same masked tail), so the result does not depend on which kernel ran. A method of its own
    /// for the same reason as <see cref="ForwardBlock"/>: inlined, its six accumulators and six row offsets lived on the
    /// stack (AVX2, Zen 3).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRow<TVec>(ref float x, ref float w, ReadOnlySpan<float> bias, Span<float> y, int b, int n, int count,
        int inputs, int outputs, int whole, int firstKept)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float x0 = ref Unsafe.Add(ref x, (nint)b * inputs);
        ref float w0 = ref Unsafe.Add(ref w, (nint)n * inputs);
        ref float w1 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(1, count - 1)) * inputs);
        ref float w2 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(2, count - 1)) * inputs);
        ref float w3 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(3, count - 1)) * inputs);
        ref float w4 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(4, count - 1)) * inputs);
        ref float w5 = ref Unsafe.Add(ref w, (nint)(n + Math.Min(5, count - 1)) * inputs);
        TVec c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero, c3 = TVec.Zero, c4 = TVec.Zero, c5 = TVec.Zero;
        for (nint k = 0; k < (nint)whole * TVec.Count; k += TVec.Count)
        {
            var xv = TVec.Load(ref x0, k);
            c0 = TVec.MultiplyAdd(xv, TVec.Load(ref w0, k), c0);
            c1 = TVec.MultiplyAdd(xv, TVec.Load(ref w1, k), c1);
            c2 = TVec.MultiplyAdd(xv, TVec.Load(ref w2, k), c2);
            c3 = TVec.MultiplyAdd(xv, TVec.Load(ref w3, k), c3);
            c4 = TVec.MultiplyAdd(xv, TVec.Load(ref w4, k), c4);
            c5 = TVec.MultiplyAdd(xv, TVec.Load(ref w5, k), c5);
        }
        if (firstKept < TVec.Count)
        {
            nint k = inputs - TVec.Count;
            var xv = TVec.ClearLanesBelow(TVec.Load(ref x0, k), firstKept);
            c0 = TVec.MultiplyAdd(xv, TVec.Load(ref w0, k), c0);
            c1 = TVec.MultiplyAdd(xv, TVec.Load(ref w1, k), c1);
            c2 = TVec.MultiplyAdd(xv, TVec.Load(ref w2, k), c2);
            c3 = TVec.MultiplyAdd(xv, TVec.Load(ref w3, k), c3);
            c4 = TVec.MultiplyAdd(xv, TVec.Load(ref w4, k), c4);
            c5 = TVec.MultiplyAdd(xv, TVec.Load(ref w5, k), c5);
        }
        Span<float> row = y.Slice(b * outputs, outputs);
        row[n] = bias[n] + TVec.Sum(c0);
        if (count > 1) row[n + 1] = bias[n + 1] + TVec.Sum(c1);
        if (count > 2) row[n + 2] = bias[n + 2] + TVec.Sum(c2);
        if (count > 3) row[n + 3] = bias[n + 3] + TVec.Sum(c3);
        if (count > 4) row[n + 4] = bias[n + 4] + TVec.Sum(c4);
        if (count > 5) row[n + 5] = bias[n + 5] + TVec.Sum(c5);
    }

    /// <summary>
    /// weightGradient (N, K) += outputGradientᵀ · x, biasGradient (N) += Σ_b outputGradient[b], for x (B, K) and
    /// outputGradient (B, N): the sum over the batch is formed in registers before it touches memory.
    /// </summary>
    public static void AccumulateGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch)
        => Gradients<AddInto>(x, outputGradient, weightGradient, biasGradient, batch);

    /// <summary>
    /// weightGradient = outputGradientᵀ · x, biasGradient = Σ_b outputGradient[b]: <see cref="AccumulateGradients"/> overwriting
    /// instead of adding, the same bits as adding into zeros, without reading (or first clearing) the 192 KB of C5's gradient.
    /// </summary>
    public static void WriteGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch)
        => Gradients<Overwrite>(x, outputGradient, weightGradient, biasGradient, batch);

    private static void Gradients<TMode>(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch)
        where TMode : struct, IWriteMode
    {
        switch (Simd.WidthFor(biasGradient.Length == 0 ? 0 : weightGradient.Length / biasGradient.Length))
        {
            case 16: Gradients<Vec512, TMode>(x, outputGradient, weightGradient, biasGradient, batch); break;
            case 8: Gradients<Vec256, TMode>(x, outputGradient, weightGradient, biasGradient, batch); break;
            case 4: Gradients<Vec128, TMode>(x, outputGradient, weightGradient, biasGradient, batch); break;
            default: Gradients<Vec32, TMode>(x, outputGradient, weightGradient, biasGradient, batch); break;
        }
    }

    /// <summary>Whether the weight-gradient kernels add into their destination or overwrite it (a constant per instantiation).</summary>
    internal interface IWriteMode
    {
        static abstract bool Overwrites { get; }
    }

    internal readonly struct AddInto : IWriteMode
    {
        public static bool Overwrites => false;
    }

    internal readonly struct Overwrite : IWriteMode
    {
        public static bool Overwrites => true;
    }

    /// <inheritdoc cref="AccumulateGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int)"/>
    /// <remarks>
    /// Each row's overlapping last vector (its lanes below firstKept zero) is written before the vectors it overlaps, so
    /// that overwriting leaves those lanes to the vector they belong to.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Gradients<TVec, TMode>(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
    {
        int outputs = biasGradient.Length, inputs = CheckShapes(x, weightGradient, outputs, outputGradient, batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, inputs, "vector width");
        ref float xRef = ref Simd.Ref(x);
        ref float gRef = ref Simd.Ref(outputGradient);
        ref float dwRef = ref Simd.Ref(weightGradient);
        int whole = inputs / TVec.Count, n = 0;
        if (whole * TVec.Count < inputs)
        {
            int firstKept = (whole * TVec.Count) - (inputs - TVec.Count);
            for (int m = 0; m < outputs; m += BlockRows)
                WeightGradientVector<TVec, TMode>(ref xRef, ref gRef, ref dwRef, m, Math.Min(BlockRows, outputs - m), inputs - TVec.Count, firstKept, inputs, outputs, batch);
        }

        if (TVec.Count >= 16)
        {
            for (; n + WideImages <= outputs; n += WideImages)
            {
                int v = 0;
                for (; v + WideOutputs <= whole; v += WideOutputs)
                {
                    // Rows: outputs n..n+5 of dY (one float apart); depth: the images; columns: four vectors of X.
                    Panel6x4<TVec, TMode>(ref Unsafe.Add(ref gRef, n), 1, outputs, ref Unsafe.Add(ref xRef, v * TVec.Count), inputs, batch,
                        ref Unsafe.Add(ref dwRef, ((nint)n * inputs) + (v * TVec.Count)), inputs);
                }
                for (int half = n; half < n + WideImages; half += BlockRows)
                {
                    int u = v;
                    for (; u + BlockVectors <= whole; u += BlockVectors)
                        WeightGradientBlock<TVec, TMode>(ref xRef, ref gRef, ref dwRef, half, BlockRows, u * TVec.Count, inputs, outputs, batch);
                    for (; u < whole; u++)
                        WeightGradientVector<TVec, TMode>(ref xRef, ref gRef, ref dwRef, half, BlockRows, u * TVec.Count, 0, inputs, outputs, batch);
                }
            }
        }

        for (; n < outputs; n += BlockRows)
        {
            int rows = Math.Min(BlockRows, outputs - n), v = 0;
            for (; v + BlockVectors <= whole; v += BlockVectors)
            {
                if (batch >= DeepBatch)
                    WeightGradientBlockAlone<TVec, TMode>(ref xRef, ref gRef, ref dwRef, n, rows, v * TVec.Count, inputs, outputs, batch);
                else
                    WeightGradientBlock<TVec, TMode>(ref xRef, ref gRef, ref dwRef, n, rows, v * TVec.Count, inputs, outputs, batch);
            }
            for (; v < whole; v++)
                WeightGradientVector<TVec, TMode>(ref xRef, ref gRef, ref dwRef, n, rows, v * TVec.Count, 0, inputs, outputs, batch);
        }
        int first = 0;
        if (TMode.Overwrites)
        {
            outputGradient[..outputs].CopyTo(biasGradient);
            first = 1;
        }
        for (int b = first; b < batch; b++)
            TensorPrimitives.Add(biasGradient, outputGradient.Slice(b * outputs, outputs), biasGradient);
    }

    /// <summary>
    /// <see cref="WeightGradientBlock"/> compiled as a method of its own. Inlined into <see cref="Gradients{TVec, TMode}"/>,
    /// its loop over the batch ran 1.1–1.5× slower at batch 64 on a 2-core AVX2 machine (Zen 3); called, it costs a call per
    /// block, which made batch 1 1.3× slower. The same code, so the same bits either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientBlockAlone<TVec, TMode>(ref float x, ref float g, ref float dw, int n, int rows, nint column, int inputs, int outputs, int batch)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
        => WeightGradientBlock<TVec, TMode>(ref x, ref g, ref dw, n, rows, column, inputs, outputs, batch);

    /// <summary>dW[n..n+rows, column..column+3V) += Σ_b dY[b, n+r]·X[b, column..]; rows past <paramref name="rows"/> repeat the last and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientBlock<TVec, TMode>(ref float x, ref float g, ref float dw, int n, int rows, nint column, int inputs, int outputs, int batch)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
    {
        nint n0 = n, n1 = n + Math.Min(1, rows - 1), n2 = n + Math.Min(2, rows - 1);
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c02 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero, c12 = TVec.Zero;
        TVec c20 = TVec.Zero, c21 = TVec.Zero, c22 = TVec.Zero;
        for (nint b = 0; b < batch; b++)
        {
            nint xAt = (b * inputs) + column, gAt = b * outputs;
            var x0 = TVec.Load(ref x, xAt);
            var x1 = TVec.Load(ref x, xAt + TVec.Count);
            var x2 = TVec.Load(ref x, xAt + (2 * TVec.Count));
            var a = TVec.Broadcast(Unsafe.Add(ref g, gAt + n0));
            c00 = TVec.MultiplyAdd(a, x0, c00); c01 = TVec.MultiplyAdd(a, x1, c01); c02 = TVec.MultiplyAdd(a, x2, c02);
            a = TVec.Broadcast(Unsafe.Add(ref g, gAt + n1));
            c10 = TVec.MultiplyAdd(a, x0, c10); c11 = TVec.MultiplyAdd(a, x1, c11); c12 = TVec.MultiplyAdd(a, x2, c12);
            a = TVec.Broadcast(Unsafe.Add(ref g, gAt + n2));
            c20 = TVec.MultiplyAdd(a, x0, c20); c21 = TVec.MultiplyAdd(a, x1, c21); c22 = TVec.MultiplyAdd(a, x2, c22);
        }
        Write<TVec, TMode>(ref dw, (n0 * inputs) + column, c00, c01, c02);
        if (rows > 1)
            Write<TVec, TMode>(ref dw, (n1 * inputs) + column, c10, c11, c12);
        if (rows > 2)
            Write<TVec, TMode>(ref dw, (n2 * inputs) + column, c20, c21, c22);
    }

    /// <summary>
    /// The 6 × 4 micro-kernel both gradients share with AVX-512's 32 registers: C[r][0..4V) (+)= Σ_k A[r, k]·B[k][0..4V) for
    /// six rows r, A[r, k] at a + r·aRow + k·aStep, B's row k at b + k·bStep, C's row r at c + r·cRow. The weight gradient
    /// (rows: outputs; depth: images) and the input gradient (rows: images; depth: outputs) each sum their depth in
    /// ascending order, as <see cref="WeightGradientBlock"/> and <see cref="InputGradientBlock"/> do, so the block shape
    /// changes no bit. 24 accumulators, four loads and six broadcasts for 24 multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Panel6x4<TVec, TMode>(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int depth, ref float c, nint cRow)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
    {
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c02 = TVec.Zero, c03 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero, c12 = TVec.Zero, c13 = TVec.Zero;
        TVec c20 = TVec.Zero, c21 = TVec.Zero, c22 = TVec.Zero, c23 = TVec.Zero, c30 = TVec.Zero, c31 = TVec.Zero, c32 = TVec.Zero, c33 = TVec.Zero;
        TVec c40 = TVec.Zero, c41 = TVec.Zero, c42 = TVec.Zero, c43 = TVec.Zero, c50 = TVec.Zero, c51 = TVec.Zero, c52 = TVec.Zero, c53 = TVec.Zero;
        nint r2 = 2 * aRow, r3 = 3 * aRow, r4 = 4 * aRow, r5 = 5 * aRow;
        for (int k = 0; k < depth; k++)
        {
            var b0 = TVec.Load(ref b, 0);
            var b1 = TVec.Load(ref b, TVec.Count);
            var b2 = TVec.Load(ref b, 2 * TVec.Count);
            var b3 = TVec.Load(ref b, 3 * TVec.Count);
            var s = TVec.Broadcast(a);
            c00 = TVec.MultiplyAdd(s, b0, c00); c01 = TVec.MultiplyAdd(s, b1, c01); c02 = TVec.MultiplyAdd(s, b2, c02); c03 = TVec.MultiplyAdd(s, b3, c03);
            s = TVec.Broadcast(Unsafe.Add(ref a, aRow));
            c10 = TVec.MultiplyAdd(s, b0, c10); c11 = TVec.MultiplyAdd(s, b1, c11); c12 = TVec.MultiplyAdd(s, b2, c12); c13 = TVec.MultiplyAdd(s, b3, c13);
            s = TVec.Broadcast(Unsafe.Add(ref a, r2));
            c20 = TVec.MultiplyAdd(s, b0, c20); c21 = TVec.MultiplyAdd(s, b1, c21); c22 = TVec.MultiplyAdd(s, b2, c22); c23 = TVec.MultiplyAdd(s, b3, c23);
            s = TVec.Broadcast(Unsafe.Add(ref a, r3));
            c30 = TVec.MultiplyAdd(s, b0, c30); c31 = TVec.MultiplyAdd(s, b1, c31); c32 = TVec.MultiplyAdd(s, b2, c32); c33 = TVec.MultiplyAdd(s, b3, c33);
            s = TVec.Broadcast(Unsafe.Add(ref a, r4));
            c40 = TVec.MultiplyAdd(s, b0, c40); c41 = TVec.MultiplyAdd(s, b1, c41); c42 = TVec.MultiplyAdd(s, b2, c42); c43 = TVec.MultiplyAdd(s, b3, c43);
            s = TVec.Broadcast(Unsafe.Add(ref a, r5));
            c50 = TVec.MultiplyAdd(s, b0, c50); c51 = TVec.MultiplyAdd(s, b1, c51); c52 = TVec.MultiplyAdd(s, b2, c52); c53 = TVec.MultiplyAdd(s, b3, c53);
            a = ref Unsafe.Add(ref a, aStep);
            b = ref Unsafe.Add(ref b, bStep);
        }
        Write<TVec, TMode>(ref c, 0, c00, c01, c02, c03);
        Write<TVec, TMode>(ref c, cRow, c10, c11, c12, c13);
        Write<TVec, TMode>(ref c, 2 * cRow, c20, c21, c22, c23);
        Write<TVec, TMode>(ref c, 3 * cRow, c30, c31, c32, c33);
        Write<TVec, TMode>(ref c, 4 * cRow, c40, c41, c42, c43);
        Write<TVec, TMode>(ref c, 5 * cRow, c50, c51, c52, c53);
    }

    /// <summary>One vector of columns of <see cref="WeightGradientBlock"/>; lanes below <paramref name="firstKept"/> are not added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientVector<TVec, TMode>(ref float x, ref float g, ref float dw, int n, int rows, nint column, int firstKept, int inputs, int outputs, int batch)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
    {
        nint n0 = n, n1 = n + Math.Min(1, rows - 1), n2 = n + Math.Min(2, rows - 1);
        TVec c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero;
        for (nint b = 0; b < batch; b++)
        {
            var xv = TVec.Load(ref x, (b * inputs) + column);
            nint gAt = b * outputs;
            c0 = TVec.MultiplyAdd(TVec.Broadcast(Unsafe.Add(ref g, gAt + n0)), xv, c0);
            c1 = TVec.MultiplyAdd(TVec.Broadcast(Unsafe.Add(ref g, gAt + n1)), xv, c1);
            c2 = TVec.MultiplyAdd(TVec.Broadcast(Unsafe.Add(ref g, gAt + n2)), xv, c2);
        }
        Write<TVec, TMode>(ref dw, (n0 * inputs) + column, TVec.ClearLanesBelow(c0, firstKept));
        if (rows > 1)
            Write<TVec, TMode>(ref dw, (n1 * inputs) + column, TVec.ClearLanesBelow(c1, firstKept));
        if (rows > 2)
            Write<TVec, TMode>(ref dw, (n2 * inputs) + column, TVec.ClearLanesBelow(c2, firstKept));
    }

    /// <summary>inputGradient (B, K) = outputGradient (B, N) · w (N, K), overwritten; K = <paramref name="inputs"/>.</summary>
    public static void InputGradient(ReadOnlySpan<float> weights, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int inputs)
    {
        switch (Simd.WidthFor(inputs))
        {
            case 16: InputGradient<Vec512>(weights, outputGradient, inputGradient, batch, inputs); break;
            case 8: InputGradient<Vec256>(weights, outputGradient, inputGradient, batch, inputs); break;
            case 4: InputGradient<Vec128>(weights, outputGradient, inputGradient, batch, inputs); break;
            default: InputGradient<Vec32>(weights, outputGradient, inputGradient, batch, inputs); break;
        }
    }

    /// <inheritdoc cref="InputGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient<TVec>(ReadOnlySpan<float> weights, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int inputs)
        where TVec : struct, ISimdVector<TVec>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        int outputs = weights.Length / inputs;
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, inputs * outputs, nameof(weights));
        ArgumentOutOfRangeException.ThrowIfLessThan(outputGradient.Length, batch * outputs, nameof(outputGradient));
        ArgumentOutOfRangeException.ThrowIfLessThan(inputGradient.Length, batch * inputs, nameof(inputGradient));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, inputs, "vector width");
        ref float wRef = ref Simd.Ref(weights);
        ref float gRef = ref Simd.Ref(outputGradient);
        ref float dxRef = ref Simd.Ref(inputGradient);
        int whole = inputs / TVec.Count, b = 0;
        if (TVec.Count >= 16)
        {
            for (; b + WideImages <= batch; b += WideImages)
            {
                int v = 0;
                for (; v + WideOutputs <= whole; v += WideOutputs)
                {
                    // Rows: images b..b+5 of dY (a row apart); depth: the outputs; columns: four vectors of W.
                    Panel6x4<TVec, Overwrite>(ref Unsafe.Add(ref gRef, (nint)b * outputs), outputs, 1, ref Unsafe.Add(ref wRef, v * TVec.Count), inputs, outputs,
                        ref Unsafe.Add(ref dxRef, ((nint)b * inputs) + (v * TVec.Count)), inputs);
                }
                for (int half = b; half < b + WideImages; half += BlockRows)
                {
                    int u = v;
                    for (; u + BlockVectors <= whole; u += BlockVectors)
                        InputGradientBlock<TVec>(ref wRef, ref gRef, ref dxRef, half, BlockRows, u * TVec.Count, inputs, outputs);
                    for (; u < whole; u++)
                        InputGradientVector<TVec>(ref wRef, ref gRef, ref dxRef, half, BlockRows, u * TVec.Count, inputs, outputs);
                    if (whole * TVec.Count < inputs)
                        InputGradientVector<TVec>(ref wRef, ref gRef, ref dxRef, half, BlockRows, inputs - TVec.Count, inputs, outputs);
                }
            }
        }

        if (batch - b == 1)
        {
            InputGradientRow<TVec>(ref wRef, ref gRef, ref dxRef, b, inputs, outputs);
            return;
        }

        for (; b < batch; b += BlockRows)
        {
            // Overwriting, so the overlapping last vector may simply recompute the lanes it shares.
            int rows = Math.Min(BlockRows, batch - b), v = 0;
            for (; v + BlockVectors <= whole; v += BlockVectors)
                InputGradientBlock<TVec>(ref wRef, ref gRef, ref dxRef, b, rows, v * TVec.Count, inputs, outputs);
            for (; v < whole; v++)
                InputGradientVector<TVec>(ref wRef, ref gRef, ref dxRef, b, rows, v * TVec.Count, inputs, outputs);
            if (whole * TVec.Count < inputs)
                InputGradientVector<TVec>(ref wRef, ref gRef, ref dxRef, b, rows, inputs - TVec.Count, inputs, outputs);
        }
    }

    /// <summary>dX[b..b+rows, column..column+3V) = Σ_n dY[b+r, n]·W[n, column..]; rows past <paramref name="rows"/> repeat the last and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientBlock<TVec>(ref float w, ref float g, ref float dx, int b, int rows, nint column, int inputs, int outputs)
        where TVec : struct, ISimdVector<TVec>
    {
        nint g0 = (nint)b * outputs, g1 = (nint)(b + Math.Min(1, rows - 1)) * outputs, g2 = (nint)(b + Math.Min(2, rows - 1)) * outputs;
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c02 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero, c12 = TVec.Zero;
        TVec c20 = TVec.Zero, c21 = TVec.Zero, c22 = TVec.Zero;
        for (nint n = 0; n < outputs; n++)
        {
            nint wAt = (n * inputs) + column;
            var w0 = TVec.Load(ref w, wAt);
            var w1 = TVec.Load(ref w, wAt + TVec.Count);
            var w2 = TVec.Load(ref w, wAt + (2 * TVec.Count));
            var a = TVec.Broadcast(Unsafe.Add(ref g, g0 + n));
            c00 = TVec.MultiplyAdd(a, w0, c00); c01 = TVec.MultiplyAdd(a, w1, c01); c02 = TVec.MultiplyAdd(a, w2, c02);
            a = TVec.Broadcast(Unsafe.Add(ref g, g1 + n));
            c10 = TVec.MultiplyAdd(a, w0, c10); c11 = TVec.MultiplyAdd(a, w1, c11); c12 = TVec.MultiplyAdd(a, w2, c12);
            a = TVec.Broadcast(Unsafe.Add(ref g, g2 + n));
            c20 = TVec.MultiplyAdd(a, w0, c20); c21 = TVec.MultiplyAdd(a, w1, c21); c22 = TVec.MultiplyAdd(a, w2, c22);
        }
        Store(ref dx, ((nint)b * inputs) + column, c00, c01, c02);
        if (rows > 1)
            Store(ref dx, ((nint)(b + 1) * inputs) + column, c10, c11, c12);
        if (rows > 2)
            Store(ref dx, ((nint)(b + 2) * inputs) + column, c20, c21, c22);
    }

    /// <summary>
    /// dX[b, ·] = Σ_n dY[b, n]·W[n, ·] for a lone image (batch 1, or one left over): six vectors of columns per gradient
    /// broadcast, where a block of three images would compute the same row three times. Each column sums n in ascending
    /// order from zero, as <see cref="InputGradientBlock"/> does, so the bits are the same. C5's at batch 1 on AVX2 (Zen 3):
    /// 6.6–7.2 → 3.7–4.0 µs (1.8×), F6's 1.3 → 1.0–1.1 µs, measured in one process.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientRow<TVec>(ref float w, ref float g, ref float dx, int b, int inputs, int outputs)
        where TVec : struct, ISimdVector<TVec>
    {
        ref float gRow = ref Unsafe.Add(ref g, (nint)b * outputs);
        ref float dxRow = ref Unsafe.Add(ref dx, (nint)b * inputs);
        int whole = inputs / TVec.Count, v = 0;
        for (; v + RowVectors <= whole; v += RowVectors)
        {
            ref float wColumn = ref Unsafe.Add(ref w, v * TVec.Count);
            TVec c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero, c3 = TVec.Zero, c4 = TVec.Zero, c5 = TVec.Zero;
            for (nint n = 0; n < outputs; n++)
            {
                var a = TVec.Broadcast(Unsafe.Add(ref gRow, n));
                ref float wRow = ref Unsafe.Add(ref wColumn, n * inputs);
                c0 = TVec.MultiplyAdd(a, TVec.Load(ref wRow, 0), c0);
                c1 = TVec.MultiplyAdd(a, TVec.Load(ref wRow, TVec.Count), c1);
                c2 = TVec.MultiplyAdd(a, TVec.Load(ref wRow, 2 * TVec.Count), c2);
                c3 = TVec.MultiplyAdd(a, TVec.Load(ref wRow, 3 * TVec.Count), c3);
                c4 = TVec.MultiplyAdd(a, TVec.Load(ref wRow, 4 * TVec.Count), c4);
                c5 = TVec.MultiplyAdd(a, TVec.Load(ref wRow, 5 * TVec.Count), c5);
            }
            nint at = v * TVec.Count;
            Store(ref dxRow, at, c0, c1, c2);
            Store(ref dxRow, at + (3 * TVec.Count), c3, c4, c5);
        }
        // The remaining vectors (at most five) one at a time; the overlapping last one recomputes the lanes it shares (overwriting).
        for (; v < whole; v++)
            InputGradientVector<TVec>(ref w, ref g, ref dx, b, 1, v * TVec.Count, inputs, outputs);
        if (whole * TVec.Count < inputs)
            InputGradientVector<TVec>(ref w, ref g, ref dx, b, 1, inputs - TVec.Count, inputs, outputs);
    }

    /// <summary>One vector of columns of <see cref="InputGradientBlock"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientVector<TVec>(ref float w, ref float g, ref float dx, int b, int rows, nint column, int inputs, int outputs)
        where TVec : struct, ISimdVector<TVec>
    {
        nint g0 = (nint)b * outputs, g1 = (nint)(b + Math.Min(1, rows - 1)) * outputs, g2 = (nint)(b + Math.Min(2, rows - 1)) * outputs;
        TVec c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero;
        for (nint n = 0; n < outputs; n++)
        {
            var wv = TVec.Load(ref w, (n * inputs) + column);
            c0 = TVec.MultiplyAdd(TVec.Broadcast(Unsafe.Add(ref g, g0 + n)), wv, c0);
            c1 = TVec.MultiplyAdd(TVec.Broadcast(Unsafe.Add(ref g, g1 + n)), wv, c1);
            c2 = TVec.MultiplyAdd(TVec.Broadcast(Unsafe.Add(ref g, g2 + n)), wv, c2);
        }
        TVec.Store(c0, ref dx, ((nint)b * inputs) + column);
        if (rows > 1)
            TVec.Store(c1, ref dx, ((nint)(b + 1) * inputs) + column);
        if (rows > 2)
            TVec.Store(c2, ref dx, ((nint)(b + 2) * inputs) + column);
    }

    /// <summary>
    /// <see cref="InputGradientAndDiagonalStep(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, float)"/>
    /// for a dense layer's packed parameters, W (N, K) then b (N), and their rates in the same layout; the bias's gradient is dY.
    /// </summary>
    public static void DiagonalStepWithInputGradient(Span<float> parameters, ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
        ReadOnlySpan<float> rates, float learningRate)
    {
        int weights = x.Length * outputGradient.Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(parameters.Length, weights + outputGradient.Length, nameof(parameters));
        InputGradientAndDiagonalStep(parameters[..weights], x, outputGradient, inputGradient, rates[..weights], learningRate);
        OptimizerKernels.DiagonalStep(parameters[weights..], outputGradient, rates[weights..], learningRate);
    }

    /// <summary>
    /// One image's backward pass through a dense layer with the stochastic diagonal Levenberg-Marquardt step fused in
    /// (paper, Appendix C): inputGradient = dYᵀ·W with the weights as they were, then W ← W − η·r⊙(dY·Xᵀ). Each weight
    /// is updated with the arithmetic of <see cref="WriteGradients"/> followed by <see cref="OptimizerKernels.DiagonalStep"/>
    /// (g = dy·x rounded once, then w + (g·r)·(−η) rounded once) and each input gradient sums the outputs in ascending
    /// order from zero as <see cref="InputGradient"/> does, so the bits are those of the two passes. But the weights are
    /// read once, for both, and the gradient is never stored: at batch 1, C5's pass and its step moved 1.1 MB through the
    /// caches (the gradient written, the weights read for the input gradient, then the weights, the gradient and the
    /// rates read and the weights written), this moves 0.6 MB. The bias is left to the caller (its gradient is dY).
    /// weights (N, K), x (K), outputGradient (N), rates (N, K) -> inputGradient (K) unless empty, weights updated.
    /// </summary>
    public static void InputGradientAndDiagonalStep(Span<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
        ReadOnlySpan<float> rates, float learningRate)
    {
        switch (Simd.WidthFor(x.Length))
        {
            case 16: InputGradientAndDiagonalStep<Vec512>(weights, x, outputGradient, inputGradient, rates, learningRate); break;
            case 8: InputGradientAndDiagonalStep<Vec256>(weights, x, outputGradient, inputGradient, rates, learningRate); break;
            case 4: InputGradientAndDiagonalStep<Vec128>(weights, x, outputGradient, inputGradient, rates, learningRate); break;
            default: InputGradientAndDiagonalStep<Vec32>(weights, x, outputGradient, inputGradient, rates, learningRate); break;
        }
    }

    /// <inheritdoc cref="InputGradientAndDiagonalStep(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, float)"/>
    /// <remarks>
    /// Three vectors of columns at a time over every output row: three input-gradient sums, the three vectors of x and the
    /// broadcast of dy fit AVX2's sixteen registers with room for the loads. A row's overlapping last vector goes first
    /// and updates only the lanes no other vector holds, so every weight is read before it is changed and changed once.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void InputGradientAndDiagonalStep<TVec>(Span<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
        ReadOnlySpan<float> rates, float learningRate)
        where TVec : struct, ISimdVector<TVec>
    {
        int inputs = x.Length, outputs = outputGradient.Length;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, inputs * outputs, nameof(weights));
        ArgumentOutOfRangeException.ThrowIfNotEqual(rates.Length, weights.Length, nameof(rates));
        if (!inputGradient.IsEmpty)
            ArgumentOutOfRangeException.ThrowIfLessThan(inputGradient.Length, inputs, nameof(inputGradient));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, inputs, "vector width");
        bool wantsInputGradient = !inputGradient.IsEmpty;
        ref float wRef = ref Simd.Ref(weights);
        ref float xRef = ref Simd.Ref(x);
        ref float gRef = ref Simd.Ref(outputGradient);
        ref float rRef = ref Simd.Ref(rates);
        ref float dxRef = ref Simd.Ref(inputGradient);
        var step = TVec.Broadcast(-learningRate);
        int whole = inputs / TVec.Count;
        if (whole * TVec.Count < inputs)
        {
            nint column = inputs - TVec.Count;
            var kept = TVec.ClearLanesBelow(TVec.Broadcast(BitConverter.Int32BitsToSingle(-1)), (whole * TVec.Count) - (inputs - TVec.Count));
            var x0 = TVec.Load(ref xRef, column);
            TVec c0 = TVec.Zero;
            for (nint n = 0, at = column; n < outputs; n++, at += inputs)
            {
                var a = TVec.Broadcast(Unsafe.Add(ref gRef, n));
                var w0 = TVec.Load(ref wRef, at);
                c0 = TVec.MultiplyAdd(a, w0, c0);
                var updated = TVec.MultiplyAdd(TVec.Multiply(TVec.MultiplyAdd(a, x0, TVec.Zero), TVec.Load(ref rRef, at)), step, w0);
                TVec.Store(TVec.Select(kept, updated, w0), ref wRef, at);
            }
            if (wantsInputGradient)
                TVec.Store(c0, ref dxRef, column);
        }
        for (int v = 0; v < whole; v += BlockVectors)
        {
            // The last block of a row may be short: its missing vectors repeat its first, computed but neither stored nor applied.
            int count = Math.Min(BlockVectors, whole - v);
            nint column = v * TVec.Count, o1 = count > 1 ? TVec.Count : 0, o2 = count > 2 ? 2 * TVec.Count : 0;
            var x0 = TVec.Load(ref xRef, column);
            var x1 = TVec.Load(ref xRef, column + o1);
            var x2 = TVec.Load(ref xRef, column + o2);
            TVec c0 = TVec.Zero, c1 = TVec.Zero, c2 = TVec.Zero;
            for (nint n = 0, at = column; n < outputs; n++, at += inputs)
            {
                var a = TVec.Broadcast(Unsafe.Add(ref gRef, n));
                var w0 = TVec.Load(ref wRef, at);
                var w1 = TVec.Load(ref wRef, at + o1);
                var w2 = TVec.Load(ref wRef, at + o2);
                c0 = TVec.MultiplyAdd(a, w0, c0);
                c1 = TVec.MultiplyAdd(a, w1, c1);
                c2 = TVec.MultiplyAdd(a, w2, c2);
                // Stored last first, so that a short block's repeats are overwritten by the vector they repeat.
                TVec.Store(TVec.MultiplyAdd(TVec.Multiply(TVec.MultiplyAdd(a, x2, TVec.Zero), TVec.Load(ref rRef, at + o2)), step, w2), ref wRef, at + o2);
                TVec.Store(TVec.MultiplyAdd(TVec.Multiply(TVec.MultiplyAdd(a, x1, TVec.Zero), TVec.Load(ref rRef, at + o1)), step, w1), ref wRef, at + o1);
                TVec.Store(TVec.MultiplyAdd(TVec.Multiply(TVec.MultiplyAdd(a, x0, TVec.Zero), TVec.Load(ref rRef, at)), step, w0), ref wRef, at);
            }
            if (wantsInputGradient)
            {
                TVec.Store(c2, ref dxRef, column + o2);
                TVec.Store(c1, ref dxRef, column + o1);
                TVec.Store(c0, ref dxRef, column);
            }
        }
    }

    /// <summary>destination[at…] += v0, or = v0 when <typeparamref name="TMode"/> overwrites.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<TVec, TMode>(ref float destination, nint at, TVec v0)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
        => TVec.Store(TMode.Overwrites ? v0 : TVec.Add(TVec.Load(ref destination, at), v0), ref destination, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<TVec, TMode>(ref float destination, nint at, TVec v0, TVec v1, TVec v2)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
    {
        Write<TVec, TMode>(ref destination, at, v0);
        Write<TVec, TMode>(ref destination, at + TVec.Count, v1);
        Write<TVec, TMode>(ref destination, at + (2 * TVec.Count), v2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<TVec, TMode>(ref float destination, nint at, TVec v0, TVec v1, TVec v2, TVec v3)
        where TVec : struct, ISimdVector<TVec>
        where TMode : struct, IWriteMode
    {
        Write<TVec, TMode>(ref destination, at, v0, v1, v2);
        Write<TVec, TMode>(ref destination, at + (3 * TVec.Count), v3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVec>(ref float destination, nint at, TVec v0, TVec v1, TVec v2) where TVec : struct, ISimdVector<TVec>
    {
        TVec.Store(v0, ref destination, at);
        TVec.Store(v1, ref destination, at + TVec.Count);
        TVec.Store(v2, ref destination, at + (2 * TVec.Count));
    }



    /// <summary>
    /// Rows of <paramref name="inputs"/> floats, a multiple of <see cref="BlockRows"/>, that fill about 16 KB: half of the
    /// smallest L1 data cache of the x64 cores this runs on (32 KB), leaving the other half to the rows streamed past them.
    /// </summary>
    private static int L1Rows(int inputs) => Math.Max(BlockRows, 4096 / inputs / BlockRows * BlockRows);

    private static int CheckShapes(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, int outputs, ReadOnlySpan<float> y, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        int inputs = weights.Length / outputs;
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, inputs * outputs, nameof(weights));
        ArgumentOutOfRangeException.ThrowIfLessThan(x.Length, batch * inputs, "x");
        ArgumentOutOfRangeException.ThrowIfLessThan(y.Length, batch * outputs, "y");
        return inputs;
    }
}
