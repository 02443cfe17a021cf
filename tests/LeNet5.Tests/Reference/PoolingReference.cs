using LeNet5.Layers;
using LeNet5.Model;

namespace LeNet5.Tests.Reference;

/// <summary><see cref="PoolingLayer"/> per window: the mean or the maximum of four inputs, in double.</summary>
internal static class PoolingReference
{
    private const int WindowSize = 4;

    public static void Forward(PoolingLayer layer, ReadOnlySpan<double> input, Span<double> output, int batch)
    {
        int maps = layer.InputShape.Channels, w = layer.InputShape.Width, ow = layer.OutputShape.Width;
        for (int b = 0; b < batch; b++)
        {
            for (int m = 0; m < maps; m++)
            {
                for (int y = 0; y < layer.OutputShape.Height; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        int at = (((b * maps) + m) * layer.InputShape.Plane) + (2 * y * w) + (2 * x);
                        output[(((b * maps) + m) * layer.OutputShape.Plane) + (y * ow) + x] = layer.Pooling == Pooling.Max
                            ? Math.Max(Math.Max(input[at], input[at + 1]), Math.Max(input[at + w], input[at + w + 1]))
                            : (input[at] + input[at + 1] + input[at + w] + input[at + w + 1]) / WindowSize;
                    }
                }
            }
        }
    }

    /// <summary>Max pooling routes each window's gradient to its first maximum in row-major order; average pooling spreads a quarter to each input.</summary>
    public static void Backward(PoolingLayer layer, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> inputGradient, int batch)
    {
        int maps = layer.InputShape.Channels, w = layer.InputShape.Width, ow = layer.OutputShape.Width;
        for (int b = 0; b < batch; b++)
        {
            for (int m = 0; m < maps; m++)
            {
                for (int y = 0; y < layer.OutputShape.Height; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        int at = (((b * maps) + m) * layer.InputShape.Plane) + (2 * y * w) + (2 * x);
                        double d = outputGradient[(((b * maps) + m) * layer.OutputShape.Plane) + (y * ow) + x];
                        int[] window = [at, at + 1, at + w, at + w + 1];
                        int first = at;
                        foreach (int i in window)
                        {
                            if (input[i] > input[first])
                                first = i;
                        }
                        foreach (int i in window)
                            inputGradient[i] = layer.Pooling == Pooling.Max ? (i == first ? d : 0) : d / WindowSize;
                    }
                }
            }
        }
    }
}
