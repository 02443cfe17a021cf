using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>
/// Valid 2-D cross-correlation of square K×K kernels through a <see cref="MapWiring"/>, for one image, and
/// its kernel gradient. Rows of output are computed a vector at a time with every tap of every connected
/// map accumulated in a register; the last vector of a row overlaps the previous one instead of running a
/// scalar tail (each lane's value is computed from scratch, so writing it twice is harmless).
/// </summary>
internal static class ConvolutionKernels
{
    /// <summary>
    /// output[t] = bias[t] + Σ_{(s,k) wired to t} input[s] ⋆ kernels[k].
    /// input (sources, ih, iw), kernels (n, K, K), bias (targets) or empty for zero -> output (targets, ih−K+1, iw−K+1).
    /// </summary>
    public static void Correlate(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output)
    {
        switch (Simd.WidthFor(inputWidth - kernelSize + 1))
        {
            case 16: Correlate<Vec512>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case 8: Correlate<Vec256>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case 4: Correlate<Vec128>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            default: Correlate<Vec1>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
        }
    }

    /// <inheritdoc cref="Correlate(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, MapWiring, Span{float})"/>
    [SkipLocalsInit]
    public static void Correlate<TVec>(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output)
        where TVec : struct, ISimdVector<TVec>
    {
        int outputHeight = inputHeight - kernelSize + 1, outputWidth = inputWidth - kernelSize + 1;
        int inputPlane = inputHeight * inputWidth, outputPlane = outputHeight * outputWidth, taps = kernelSize * kernelSize;
        CheckSizes(input.Length, wiring.Sources * inputPlane, output.Length, wiring.Targets * outputPlane, TVec.Count, outputWidth);
        ReadOnlySpan<int> first = wiring.First, source = wiring.Source, kernelOf = wiring.Kernel;
        for (int k = 0; k < kernelOf.Length; k++)
            ArgumentOutOfRangeException.ThrowIfGreaterThan((kernelOf[k] + 1) * taps, kernels.Length, nameof(kernels));
        if (!bias.IsEmpty)
            ArgumentOutOfRangeException.ThrowIfNotEqual(bias.Length, wiring.Targets, nameof(bias));

        ref float inputRef = ref Simd.Ref(input);
        ref float kernelRef = ref Simd.Ref(kernels);
        ref float outputRef = ref Simd.Ref(output);
        for (int t = 0; t < wiring.Targets; t++)
        {
            var start = TVec.Broadcast(bias.IsEmpty ? 0f : bias[t]);
            for (int y = 0; y < outputHeight; y++)
            {
                for (int block = 0; block < outputWidth; block += TVec.Count)
                {
                    int x = Math.Min(block, outputWidth - TVec.Count);
                    TVec sum = start;
                    for (int e = first[t]; e < first[t + 1]; e++)
                    {
                        nint row = (source[e] * inputPlane) + (y * inputWidth) + x;
                        int kernel = kernelOf[e] * taps;
                        for (int ky = 0; ky < kernelSize; ky++, row += inputWidth)
                        {
                            for (int kx = 0; kx < kernelSize; kx++)
                            {
                                var weight = TVec.Broadcast(Unsafe.Add(ref kernelRef, kernel + (ky * kernelSize) + kx));
                                sum = TVec.MultiplyAdd(weight, TVec.Load(ref inputRef, row + kx), sum);
                            }
                        }
                    }
                    TVec.Store(sum, ref outputRef, (t * outputPlane) + (y * outputWidth) + x);
                }
            }
        }
    }

    /// <summary>
    /// kernelGradient[k] += Σ_y Σ_x outputGradient[t][y][x] · input[s][y+ky][x+kx] for every (s,k) wired to t;
    /// biasGradient[t] += Σ outputGradient[t] (skipped when empty).
    /// </summary>
    public static void AccumulateGradients(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> outputGradient, int kernelSize,
        MapWiring wiring, Span<float> kernelGradient, Span<float> biasGradient)
    {
        switch (Simd.WidthFor(inputWidth - kernelSize + 1))
        {
            case 16: AccumulateGradients<Vec512>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
            case 8: AccumulateGradients<Vec256>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
            case 4: AccumulateGradients<Vec128>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
            default: AccumulateGradients<Vec1>(input, inputHeight, inputWidth, outputGradient, kernelSize, wiring, kernelGradient, biasGradient); break;
        }
    }

    /// <inheritdoc cref="AccumulateGradients(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, MapWiring, Span{float}, Span{float})"/>
    [SkipLocalsInit]
    public static void AccumulateGradients<TVec>(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> outputGradient, int kernelSize,
        MapWiring wiring, Span<float> kernelGradient, Span<float> biasGradient)
        where TVec : struct, ISimdVector<TVec>
    {
        int outputHeight = inputHeight - kernelSize + 1, outputWidth = inputWidth - kernelSize + 1;
        int inputPlane = inputHeight * inputWidth, outputPlane = outputHeight * outputWidth, taps = kernelSize * kernelSize;
        CheckSizes(input.Length, wiring.Sources * inputPlane, outputGradient.Length, wiring.Targets * outputPlane, TVec.Count, outputWidth);
        ReadOnlySpan<int> first = wiring.First, source = wiring.Source, kernelOf = wiring.Kernel;
        for (int k = 0; k < kernelOf.Length; k++)
            ArgumentOutOfRangeException.ThrowIfGreaterThan((kernelOf[k] + 1) * taps, kernelGradient.Length, nameof(kernelGradient));

        // The last vector of a row overlaps the previous one; its shared lanes are cleared so they count once.
        int fullBlocks = outputWidth / TVec.Count, tail = outputWidth - (fullBlocks * TVec.Count);
        int tailStart = outputWidth - TVec.Count, tailFirstKept = TVec.Count - tail;
        ref float inputRef = ref Simd.Ref(input);
        ref float gradientRef = ref Simd.Ref(outputGradient);
        for (int t = 0; t < wiring.Targets; t++)
        {
            nint gradientPlane = t * outputPlane;
            for (int e = first[t]; e < first[t + 1]; e++)
            {
                nint inputStart = source[e] * inputPlane;
                Span<float> kernel = kernelGradient.Slice(kernelOf[e] * taps, taps);
                for (int ky = 0; ky < kernelSize; ky++)
                {
                    for (int kx = 0; kx < kernelSize; kx++)
                    {
                        TVec sum = TVec.Zero;
                        for (int y = 0; y < outputHeight; y++)
                        {
                            nint gradientRow = gradientPlane + (y * outputWidth);
                            nint inputRow = inputStart + ((y + ky) * inputWidth) + kx;
                            for (int b = 0; b < fullBlocks; b++)
                            {
                                int x = b * TVec.Count;
                                sum = TVec.MultiplyAdd(TVec.Load(ref gradientRef, gradientRow + x), TVec.Load(ref inputRef, inputRow + x), sum);
                            }
                            if (tail != 0)
                            {
                                var gradient = TVec.ClearLanesBelow(TVec.Load(ref gradientRef, gradientRow + tailStart), tailFirstKept);
                                sum = TVec.MultiplyAdd(gradient, TVec.Load(ref inputRef, inputRow + tailStart), sum);
                            }
                        }
                        kernel[(ky * kernelSize) + kx] += TVec.Sum(sum);
                    }
                }
            }
            if (!biasGradient.IsEmpty)
                biasGradient[t] += TensorPrimitives.Sum(outputGradient.Slice(t * outputPlane, outputPlane));
        }
    }

    /// <summary>
    /// Copies each K×K kernel rotated by 180°: the input gradient of a correlation is the correlation of the
    /// zero-padded output gradient with the rotated kernels.
    /// </summary>
    public static void Rotate180(ReadOnlySpan<float> kernels, int kernelSize, Span<float> rotated)
    {
        int taps = kernelSize * kernelSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(rotated.Length, kernels.Length, nameof(rotated));
        for (int k = 0; k + taps <= kernels.Length; k += taps)
            for (int i = 0; i < taps; i++)
                rotated[k + i] = kernels[k + taps - 1 - i];
    }

    /// <summary>Copies maps of size (h, w) into the centre of zeroed maps of size (h + 2·pad, w + 2·pad).</summary>
    public static void Pad(ReadOnlySpan<float> maps, int count, int height, int width, int pad, Span<float> padded)
    {
        int paddedWidth = width + (2 * pad), paddedPlane = (height + (2 * pad)) * paddedWidth;
        ArgumentOutOfRangeException.ThrowIfLessThan(maps.Length, count * height * width, nameof(maps));
        ArgumentOutOfRangeException.ThrowIfLessThan(padded.Length, count * paddedPlane, nameof(padded));
        padded[..(count * paddedPlane)].Clear();
        for (int m = 0; m < count; m++)
            for (int y = 0; y < height; y++)
                maps.Slice(((m * height) + y) * width, width).CopyTo(padded.Slice((m * paddedPlane) + ((y + pad) * paddedWidth) + pad, width));
    }

    private static void CheckSizes(int inputLength, int inputNeeded, int outputLength, int outputNeeded, int vectorWidth, int outputWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, inputNeeded, "input");
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, outputNeeded, "output");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vectorWidth, outputWidth, "vector width");
    }
}
