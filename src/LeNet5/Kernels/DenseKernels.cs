using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LeNet5.Model;

namespace LeNet5.Kernels;

/// <summary>
/// A fully connected layer over a whole batch, as three register-blocked matrix products (C5 over the 400 S4
/// outputs, F6, the Modern output). Shapes, row-major: X (B, K) inputs, W (N, K) weights, Y (B, N) outputs.
/// <list type="bullet">
/// <item><see cref="Forward"/>: Y = X·Wᵀ + b. From four images on, Wᵀ is first packed into panels of two vectors of
/// outputs, so that each multiply-add takes one input broadcast and one aligned panel load, and each panel load
/// feeds six images; below that the product is one dot product per output (no packing to amortise).</item>
/// <item><see cref="AccumulateGradients"/>: dW += dYᵀ·X and db += Σ_b dY. A 3×3 block of (outputs × input vectors)
/// stays in registers across the whole batch and is added to dW once: no per-image rank-1 update.</item>
/// <item><see cref="InputGradient"/>: dX = dY·W, a 3×3 block of (images × input vectors) in registers.</item>
/// </list>
/// Every kernel is generic over the vector width; the dispatching overloads pick the widest that fits K (or N).
/// </summary>
internal static class DenseKernels
{
    /// <summary>Images per forward micro-kernel: 6 rows × 2 vectors = 12 accumulators, which with two panel loads
    /// and one broadcast fit the 16 registers of AVX2 (and leave half of AVX-512's 32 free).</summary>
    private const int ForwardRows = 6;

    /// <summary>Vectors of outputs per packed panel.</summary>
    private const int PanelVectors = 2;

    /// <summary>Below this many images the forward pass does not pack Wᵀ.</summary>
    private const int PackingThreshold = 4;

    /// <summary>Rows (images or outputs) × vectors of a backward block: 9 accumulators, three loads, one broadcast.</summary>
    private const int BlockRows = 3;

    private const int BlockVectors = 3;

    /// <summary>Floats of scratch <see cref="Forward"/> needs to pack Wᵀ (and the padded bias) for any vector width.</summary>
    public static int PackedSize(int inputs, int outputs)
    {
        int panelWidth = PanelVectors * 16, panels = (outputs + panelWidth - 1) / panelWidth;
        return (panels * panelWidth * inputs) + (panels * panelWidth);
    }

    /// <summary>
    /// y (B, N) = f(x (B, K) · wᵀ + bias), w (N, K), bias (N), f the activation (none when null), applied in registers.
    /// <paramref name="packed"/> is scratch of <see cref="PackedSize"/> floats.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> packed,
        Activation? activation = null)
    {
        switch (activation)
        {
            case null: Forward<ActivationKernels.IdentityOp>(x, weights, bias, y, batch, packed); break;
            case Activation.ScaledTanh: Forward<ActivationKernels.ScaledTanhOp>(x, weights, bias, y, batch, packed); break;
            case Activation.Tanh: Forward<ActivationKernels.TanhOp>(x, weights, bias, y, batch, packed); break;
            case Activation.ReLU: Forward<ActivationKernels.ReLUOp>(x, weights, bias, y, batch, packed); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    private static void Forward<TAct>(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> packed)
        where TAct : struct, ActivationKernels.IActivationOp
    {
        switch (Simd.WidthFor(bias.Length))
        {
            case 16: Forward<Vec512, TAct>(x, weights, bias, y, batch, packed); break;
            case 8: Forward<Vec256, TAct>(x, weights, bias, y, batch, packed); break;
            case 4: Forward<Vec128, TAct>(x, weights, bias, y, batch, packed); break;
            default: Forward<Vec1, TAct>(x, weights, bias, y, batch, packed); break;
        }
    }

    /// <inheritdoc cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, Span{float}, Activation?)"/>
    [SkipLocalsInit]
    public static void Forward<TVec, TAct>(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> packed)
        where TVec : struct, ISimdVector<TVec>
        where TAct : struct, ActivationKernels.IActivationOp
    {
        int outputs = bias.Length, inputs = CheckShapes(x, weights, outputs, y, batch);
        if (batch < PackingThreshold)
        {
            for (int b = 0; b < batch; b++)
                for (int o = 0; o < outputs; o++)
                    y[(b * outputs) + o] = Vec1.ToScalar(TAct.Invoke(Vec1.Broadcast(bias[o] + Dot<TVec>(weights.Slice(o * inputs, inputs), x.Slice(b * inputs, inputs)))));
            return;
        }

        int width = PanelVectors * TVec.Count, panels = (outputs + width - 1) / width;
        ArgumentOutOfRangeException.ThrowIfLessThan(packed.Length, (panels * width * inputs) + (panels * width), nameof(packed));
        Span<float> panelData = packed[..(panels * width * inputs)], paddedBias = packed.Slice(panels * width * inputs, panels * width);
        PackTransposed(weights, outputs, inputs, width, panelData);
        paddedBias.Clear();
        bias.CopyTo(paddedBias);

        Span<float> partial = stackalloc float[ForwardRows * PanelVectors * 16];
        ref float xRef = ref Simd.Ref(x);
        ref float yRef = ref Simd.Ref(y);
        for (int p = 0; p < panels; p++)
        {
            ref float panel = ref Simd.Ref(panelData[(p * width * inputs)..]);
            var bias0 = TVec.Load(ref Simd.Ref(paddedBias), p * width);
            var bias1 = TVec.Load(ref Simd.Ref(paddedBias), (p * width) + TVec.Count);
            int column = p * width, valid = Math.Min(width, outputs - column);
            int b = 0;
            for (; b + ForwardRows <= batch; b += ForwardRows)
            {
                // Six images share every panel load; the accumulators start at the bias.
                TVec c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
                TVec c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
                nint row = b * inputs;
                for (nint k = 0; k < inputs; k++)
                {
                    var w0 = TVec.Load(ref panel, k * width);
                    var w1 = TVec.Load(ref panel, (k * width) + TVec.Count);
                    var a = TVec.Broadcast(Unsafe.Add(ref xRef, row + k));
                    c00 = TVec.MultiplyAdd(a, w0, c00); c01 = TVec.MultiplyAdd(a, w1, c01);
                    a = TVec.Broadcast(Unsafe.Add(ref xRef, row + inputs + k));
                    c10 = TVec.MultiplyAdd(a, w0, c10); c11 = TVec.MultiplyAdd(a, w1, c11);
                    a = TVec.Broadcast(Unsafe.Add(ref xRef, row + (2 * inputs) + k));
                    c20 = TVec.MultiplyAdd(a, w0, c20); c21 = TVec.MultiplyAdd(a, w1, c21);
                    a = TVec.Broadcast(Unsafe.Add(ref xRef, row + (3 * inputs) + k));
                    c30 = TVec.MultiplyAdd(a, w0, c30); c31 = TVec.MultiplyAdd(a, w1, c31);
                    a = TVec.Broadcast(Unsafe.Add(ref xRef, row + (4 * inputs) + k));
                    c40 = TVec.MultiplyAdd(a, w0, c40); c41 = TVec.MultiplyAdd(a, w1, c41);
                    a = TVec.Broadcast(Unsafe.Add(ref xRef, row + (5 * inputs) + k));
                    c50 = TVec.MultiplyAdd(a, w0, c50); c51 = TVec.MultiplyAdd(a, w1, c51);
                }
                StoreRow(TAct.Invoke(c00), TAct.Invoke(c01), ref yRef, (b * outputs) + column, valid, partial);
                StoreRow(TAct.Invoke(c10), TAct.Invoke(c11), ref yRef, ((b + 1) * outputs) + column, valid, partial);
                StoreRow(TAct.Invoke(c20), TAct.Invoke(c21), ref yRef, ((b + 2) * outputs) + column, valid, partial);
                StoreRow(TAct.Invoke(c30), TAct.Invoke(c31), ref yRef, ((b + 3) * outputs) + column, valid, partial);
                StoreRow(TAct.Invoke(c40), TAct.Invoke(c41), ref yRef, ((b + 4) * outputs) + column, valid, partial);
                StoreRow(TAct.Invoke(c50), TAct.Invoke(c51), ref yRef, ((b + 5) * outputs) + column, valid, partial);
            }
            for (; b < batch; b++)
            {
                TVec c0 = bias0, c1 = bias1, d0 = TVec.Zero, d1 = TVec.Zero;
                nint row = b * inputs, k = 0;
                // Two chains per vector: one image alone would otherwise wait on the multiply-add latency.
                for (; k + 1 < inputs; k += 2)
                {
                    var a = TVec.Broadcast(Unsafe.Add(ref xRef, row + k));
                    c0 = TVec.MultiplyAdd(a, TVec.Load(ref panel, k * width), c0);
                    c1 = TVec.MultiplyAdd(a, TVec.Load(ref panel, (k * width) + TVec.Count), c1);
                    a = TVec.Broadcast(Unsafe.Add(ref xRef, row + k + 1));
                    d0 = TVec.MultiplyAdd(a, TVec.Load(ref panel, (k + 1) * width), d0);
                    d1 = TVec.MultiplyAdd(a, TVec.Load(ref panel, ((k + 1) * width) + TVec.Count), d1);
                }
                if (k < inputs)
                {
                    var a = TVec.Broadcast(Unsafe.Add(ref xRef, row + k));
                    c0 = TVec.MultiplyAdd(a, TVec.Load(ref panel, k * width), c0);
                    c1 = TVec.MultiplyAdd(a, TVec.Load(ref panel, (k * width) + TVec.Count), c1);
                }
                StoreRow(TAct.Invoke(TVec.Add(c0, d0)), TAct.Invoke(TVec.Add(c1, d1)), ref yRef, (b * outputs) + column, valid, partial);
            }
        }
    }

    /// <summary>
    /// weightGradient (N, K) += outputGradientᵀ · x, biasGradient (N) += Σ_b outputGradient[b], for x (B, K) and
    /// outputGradient (B, N): the sum over the batch is formed in registers before it touches memory.
    /// </summary>
    public static void AccumulateGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch)
    {
        switch (Simd.WidthFor(biasGradient.Length == 0 ? 0 : weightGradient.Length / biasGradient.Length))
        {
            case 16: AccumulateGradients<Vec512>(x, outputGradient, weightGradient, biasGradient, batch); break;
            case 8: AccumulateGradients<Vec256>(x, outputGradient, weightGradient, biasGradient, batch); break;
            case 4: AccumulateGradients<Vec128>(x, outputGradient, weightGradient, biasGradient, batch); break;
            default: AccumulateGradients<Vec1>(x, outputGradient, weightGradient, biasGradient, batch); break;
        }
    }

    /// <inheritdoc cref="AccumulateGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int)"/>
    public static void AccumulateGradients<TVec>(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch)
        where TVec : struct, ISimdVector<TVec>
    {
        int outputs = biasGradient.Length, inputs = CheckShapes(x, weightGradient, outputs, outputGradient, batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TVec.Count, inputs, "vector width");
        ref float xRef = ref Simd.Ref(x);
        ref float gRef = ref Simd.Ref(outputGradient);
        ref float dwRef = ref Simd.Ref(weightGradient);
        int whole = inputs / TVec.Count;
        for (int n = 0; n < outputs; n += BlockRows)
        {
            int rows = Math.Min(BlockRows, outputs - n), v = 0;
            for (; v + BlockVectors <= whole; v += BlockVectors)
                WeightGradientBlock<TVec>(ref xRef, ref gRef, ref dwRef, n, rows, v * TVec.Count, inputs, outputs, batch);
            for (; v < whole; v++)
                WeightGradientVector<TVec>(ref xRef, ref gRef, ref dwRef, n, rows, v * TVec.Count, 0, inputs, outputs, batch);
            if (whole * TVec.Count < inputs)
                WeightGradientVector<TVec>(ref xRef, ref gRef, ref dwRef, n, rows, inputs - TVec.Count, (whole * TVec.Count) - (inputs - TVec.Count), inputs, outputs, batch);
        }
        for (int b = 0; b < batch; b++)
            TensorPrimitives.Add(biasGradient, outputGradient.Slice(b * outputs, outputs), biasGradient);
    }

    /// <summary>dW[n..n+rows, column..column+3V) += Σ_b dY[b, n+r]·X[b, column..]; rows past <paramref name="rows"/> repeat the last and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradientBlock<TVec>(ref float x, ref float g, ref float dw, int n, int rows, nint column, int inputs, int outputs, int batch)
        where TVec : struct, ISimdVector<TVec>
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
        AddTo(ref dw, (n0 * inputs) + column, c00, c01, c02);
        if (rows > 1)
            AddTo(ref dw, (n1 * inputs) + column, c10, c11, c12);
        if (rows > 2)
            AddTo(ref dw, (n2 * inputs) + column, c20, c21, c22);
    }

    /// <summary>One vector of columns of <see cref="WeightGradientBlock"/>; lanes below <paramref name="firstKept"/> are not added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradientVector<TVec>(ref float x, ref float g, ref float dw, int n, int rows, nint column, int firstKept, int inputs, int outputs, int batch)
        where TVec : struct, ISimdVector<TVec>
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
        AddTo(ref dw, (n0 * inputs) + column, TVec.ClearLanesBelow(c0, firstKept));
        if (rows > 1)
            AddTo(ref dw, (n1 * inputs) + column, TVec.ClearLanesBelow(c1, firstKept));
        if (rows > 2)
            AddTo(ref dw, (n2 * inputs) + column, TVec.ClearLanesBelow(c2, firstKept));
    }

    /// <summary>inputGradient (B, K) = outputGradient (B, N) · w (N, K), overwritten; K = <paramref name="inputs"/>.</summary>
    public static void InputGradient(ReadOnlySpan<float> weights, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int inputs)
    {
        switch (Simd.WidthFor(inputs))
        {
            case 16: InputGradient<Vec512>(weights, outputGradient, inputGradient, batch, inputs); break;
            case 8: InputGradient<Vec256>(weights, outputGradient, inputGradient, batch, inputs); break;
            case 4: InputGradient<Vec128>(weights, outputGradient, inputGradient, batch, inputs); break;
            default: InputGradient<Vec1>(weights, outputGradient, inputGradient, batch, inputs); break;
        }
    }

    /// <inheritdoc cref="InputGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>
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
        int whole = inputs / TVec.Count;
        for (int b = 0; b < batch; b += BlockRows)
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    /// <summary>One vector of columns of <see cref="InputGradientBlock"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TVec>(ref float destination, nint at, TVec v0) where TVec : struct, ISimdVector<TVec>
        => TVec.Store(TVec.Add(TVec.Load(ref destination, at), v0), ref destination, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TVec>(ref float destination, nint at, TVec v0, TVec v1, TVec v2) where TVec : struct, ISimdVector<TVec>
    {
        AddTo(ref destination, at, v0);
        AddTo(ref destination, at + TVec.Count, v1);
        AddTo(ref destination, at + (2 * TVec.Count), v2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVec>(ref float destination, nint at, TVec v0, TVec v1, TVec v2) where TVec : struct, ISimdVector<TVec>
    {
        TVec.Store(v0, ref destination, at);
        TVec.Store(v1, ref destination, at + TVec.Count);
        TVec.Store(v2, ref destination, at + (2 * TVec.Count));
    }

    /// <summary>Σ a[i]·b[i] with four chains in flight; the overlapping last vector has its shared lanes cleared.</summary>
    private static float Dot<TVec>(ReadOnlySpan<float> a, ReadOnlySpan<float> b) where TVec : struct, ISimdVector<TVec>
    {
        int length = a.Length;
        ref float aRef = ref Simd.Ref(a);
        ref float bRef = ref Simd.Ref(b);
        TVec s0 = TVec.Zero, s1 = TVec.Zero, s2 = TVec.Zero, s3 = TVec.Zero;
        nint i = 0;
        for (; i + (4 * TVec.Count) <= length; i += 4 * TVec.Count)
        {
            s0 = TVec.MultiplyAdd(TVec.Load(ref aRef, i), TVec.Load(ref bRef, i), s0);
            s1 = TVec.MultiplyAdd(TVec.Load(ref aRef, i + TVec.Count), TVec.Load(ref bRef, i + TVec.Count), s1);
            s2 = TVec.MultiplyAdd(TVec.Load(ref aRef, i + (2 * TVec.Count)), TVec.Load(ref bRef, i + (2 * TVec.Count)), s2);
            s3 = TVec.MultiplyAdd(TVec.Load(ref aRef, i + (3 * TVec.Count)), TVec.Load(ref bRef, i + (3 * TVec.Count)), s3);
        }
        for (; i + TVec.Count <= length; i += TVec.Count)
            s0 = TVec.MultiplyAdd(TVec.Load(ref aRef, i), TVec.Load(ref bRef, i), s0);
        if (i < length)
        {
            nint last = length - TVec.Count;
            s1 = TVec.MultiplyAdd(TVec.ClearLanesBelow(TVec.Load(ref aRef, last), (int)(i - last)), TVec.Load(ref bRef, last), s1);
        }
        return TVec.Sum(TVec.Add(TVec.Add(s0, s1), TVec.Add(s2, s3)));
    }

    /// <summary>panels[p][k][j] = w[p·width + j][k], zero past the last output: Wᵀ cut into column panels.</summary>
    private static void PackTransposed(ReadOnlySpan<float> weights, int outputs, int inputs, int width, Span<float> panels)
    {
        panels.Clear();
        for (int o = 0; o < outputs; o++)
        {
            Span<float> panel = panels[((o / width) * width * inputs)..];
            int j = o % width;
            ReadOnlySpan<float> row = weights.Slice(o * inputs, inputs);
            for (int k = 0; k < inputs; k++)
                panel[(k * width) + j] = row[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TVec>(TVec low, TVec high, ref float y, nint at, int valid, Span<float> partial) where TVec : struct, ISimdVector<TVec>
    {
        if (valid == 2 * TVec.Count)
        {
            TVec.Store(low, ref y, at);
            TVec.Store(high, ref y, at + TVec.Count);
            return;
        }
        // The last panel runs past the row: only its first `valid` outputs exist.
        TVec.Store(low, ref Simd.Ref(partial), 0);
        TVec.Store(high, ref Simd.Ref(partial), TVec.Count);
        partial[..valid].CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, at), valid));
    }

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
