using LeNet5.Layers;

namespace LeNet5.Tests.Reference;

/// <summary><see cref="SubsamplingLayer"/> per unit: f(coefficient · window sum + bias), in double.</summary>
internal static class SubsamplingReference
{
    public static void Forward(SubsamplingLayer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, int batch)
    {
        int maps = layer.InputShape.Channels, w = layer.InputShape.Width, oh = layer.OutputShape.Height, ow = layer.OutputShape.Width;
        for (int b = 0; b < batch; b++)
        {
            for (int m = 0; m < maps; m++)
            {
                for (int y = 0; y < oh; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        int at = (((b * maps) + m) * layer.InputShape.Plane) + (2 * y * w) + (2 * x);
                        double sum = input[at] + input[at + 1] + input[at + w] + input[at + w + 1];
                        output[(((b * maps) + m) * layer.OutputShape.Plane) + (y * ow) + x] = (parameters[m] * sum) + parameters[maps + m];
                    }
                }
            }
        }
        ReferenceActivation.Apply(layer.Activation, output[..(batch * layer.OutputShape.Size)]);
    }

    public static void Backward(SubsamplingLayer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputGradient, Span<double> inputGradient, Span<double> parameterGradient, int batch)
    {
        double[] g = ReferenceActivation.PreActivationGradient(layer.Activation, output[..(batch * layer.OutputShape.Size)],
            outputGradient[..(batch * layer.OutputShape.Size)]);
        int maps = layer.InputShape.Channels, w = layer.InputShape.Width, oh = layer.OutputShape.Height, ow = layer.OutputShape.Width;
        for (int b = 0; b < batch; b++)
        {
            for (int m = 0; m < maps; m++)
            {
                for (int y = 0; y < oh; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        int at = (((b * maps) + m) * layer.InputShape.Plane) + (2 * y * w) + (2 * x);
                        double d = g[(((b * maps) + m) * layer.OutputShape.Plane) + (y * ow) + x];
                        parameterGradient[m] += d * (input[at] + input[at + 1] + input[at + w] + input[at + w + 1]);
                        parameterGradient[maps + m] += d;
                        inputGradient[at] = inputGradient[at + 1] = inputGradient[at + w] = inputGradient[at + w + 1] = d * parameters[m];
                    }
                }
            }
        }
    }
}
