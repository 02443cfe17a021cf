using System.Runtime.CompilerServices;
namespace LeNet5.Kernels;

/// <summary>
/// Non-overlapping 2×2 windows with stride 2 over (maps, h, w) planes, h and w even. These layers do a
/// few thousand additions per image, a hundredth of a convolution's work, so they stay scalar and simple.
/// </summary>
internal static class PoolingKernels
{
    /// <summary>output[m][y][x] = the sum of input[m][2y..2y+1][2x..2x+1]. input (maps, h, w) -> output (maps, h/2, w/2).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SumWindows(ReadOnlySpan<float> input, int maps, int height, int width, Span<float> output)
    {
        int outputHeight = height / 2, outputWidth = width / 2;
        CheckSizes(input.Length, output.Length, maps, height, width);
        for (int m = 0; m < maps; m++)
        {
            for (int y = 0; y < outputHeight; y++)
            {
                ReadOnlySpan<float> top = input.Slice(((m * height) + (2 * y)) * width, width);
                ReadOnlySpan<float> bottom = input.Slice(((m * height) + (2 * y) + 1) * width, width);
                Span<float> row = output.Slice(((m * outputHeight) + y) * outputWidth, outputWidth);
                for (int x = 0; x < outputWidth; x++)
                    row[x] = top[2 * x] + top[(2 * x) + 1] + bottom[2 * x] + bottom[(2 * x) + 1];
            }
        }
    }

    /// <summary>inputGradient[m][2y+dy][2x+dx] = scale[m] · outputGradient[m][y][x]: the backward of a scaled window sum.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SpreadWindows(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> scale, int maps, int height, int width, Span<float> inputGradient)
    {
        int outputHeight = height / 2, outputWidth = width / 2;
        CheckSizes(inputGradient.Length, outputGradient.Length, maps, height, width);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale.Length, maps, nameof(scale));
        for (int m = 0; m < maps; m++)
        {
            float s = scale[m];
            for (int y = 0; y < outputHeight; y++)
            {
                ReadOnlySpan<float> row = outputGradient.Slice(((m * outputHeight) + y) * outputWidth, outputWidth);
                Span<float> top = inputGradient.Slice(((m * height) + (2 * y)) * width, width);
                Span<float> bottom = inputGradient.Slice(((m * height) + (2 * y) + 1) * width, width);
                for (int x = 0; x < outputWidth; x++)
                {
                    float g = s * row[x];
                    top[2 * x] = g;
                    top[(2 * x) + 1] = g;
                    bottom[2 * x] = g;
                    bottom[(2 * x) + 1] = g;
                }
            }
        }
    }

    /// <summary>output[m][y][x] = the maximum of the window. input (maps, h, w) -> output (maps, h/2, w/2).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void MaxWindows(ReadOnlySpan<float> input, int maps, int height, int width, Span<float> output)
    {
        int outputHeight = height / 2, outputWidth = width / 2;
        CheckSizes(input.Length, output.Length, maps, height, width);
        for (int m = 0; m < maps; m++)
        {
            for (int y = 0; y < outputHeight; y++)
            {
                ReadOnlySpan<float> top = input.Slice(((m * height) + (2 * y)) * width, width);
                ReadOnlySpan<float> bottom = input.Slice(((m * height) + (2 * y) + 1) * width, width);
                Span<float> row = output.Slice(((m * outputHeight) + y) * outputWidth, outputWidth);
                for (int x = 0; x < outputWidth; x++)
                    row[x] = Max4(top[2 * x], top[(2 * x) + 1], bottom[2 * x], bottom[(2 * x) + 1]);
            }
        }
    }

    /// <summary>
    /// Routes each window's gradient to its first maximum in row-major order (as PyTorch does) and zero to
    /// the other three.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void MaxWindowsBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int maps, int height, int width, Span<float> inputGradient)
    {
        int outputHeight = height / 2, outputWidth = width / 2;
        CheckSizes(input.Length, outputGradient.Length, maps, height, width);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputGradient.Length, input.Length, nameof(inputGradient));
        for (int m = 0; m < maps; m++)
        {
            for (int y = 0; y < outputHeight; y++)
            {
                int topRow = ((m * height) + (2 * y)) * width, bottomRow = topRow + width;
                for (int x = 0; x < outputWidth; x++)
                {
                    int a = topRow + (2 * x), b = a + 1, c = bottomRow + (2 * x), d = c + 1;
                    int best = a;
                    if (input[b] > input[best]) best = b;
                    if (input[c] > input[best]) best = c;
                    if (input[d] > input[best]) best = d;
                    inputGradient[a] = 0;
                    inputGradient[b] = 0;
                    inputGradient[c] = 0;
                    inputGradient[d] = 0;
                    inputGradient[best] = outputGradient[((m * outputHeight) + y) * outputWidth + x];
                }
            }
        }
    }

    private static float Max4(float a, float b, float c, float d)
    {
        float best = a;
        if (b > best) best = b;
        if (c > best) best = c;
        if (d > best) best = d;
        return best;
    }

    private static void CheckSizes(int planesLength, int windowsLength, int maps, int height, int width)
    {
        if (height % 2 != 0 || width % 2 != 0)
            throw new ArgumentException($"2×2 windows need even sizes; got {height}×{width}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(planesLength, maps * height * width, "input");
        ArgumentOutOfRangeException.ThrowIfLessThan(windowsLength, maps * (height / 2) * (width / 2), "output");
    }
}
