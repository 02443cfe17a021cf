using LeNet5.Layers;

namespace LeNet5.Tests.Reference;

/// <summary><see cref="ConvolutionLayer"/> as loops over every output unit, connection and tap, in double.</summary>
internal static class ConvolutionReference
{
    public static void Forward(ConvolutionLayer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, int batch)
    {
        var table = layer.Table;
        int k = layer.KernelSize, taps = k * k, kernelParameters = table.Connections * taps;
        int ih = layer.InputShape.Height, iw = layer.InputShape.Width, oh = layer.OutputShape.Height, ow = layer.OutputShape.Width;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < table.Outputs; o++)
            {
                for (int y = 0; y < oh; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        double sum = parameters[kernelParameters + o];
                        for (int c = table.FirstConnection(o); c < table.FirstConnection(o) + table.FanIn(o); c++)
                        {
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    sum += parameters[(c * taps) + (ky * k) + kx]
                                        * input[(((b * layer.InputShape.Channels) + table.InputOfConnection[c]) * ih * iw) + ((y + ky) * iw) + x + kx];
                                }
                            }
                        }
                        output[(((b * table.Outputs) + o) * oh * ow) + (y * ow) + x] = sum;
                    }
                }
            }
        }
        ReferenceActivation.Apply(layer.Activation, output[..(batch * layer.OutputShape.Size)]);
    }

    public static void Backward(ConvolutionLayer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputGradient, Span<double> inputGradient, Span<double> parameterGradient, int batch)
    {
        var table = layer.Table;
        int k = layer.KernelSize, taps = k * k, kernelParameters = table.Connections * taps;
        double[] g = ReferenceActivation.PreActivationGradient(layer.Activation, output[..(batch * layer.OutputShape.Size)],
            outputGradient[..(batch * layer.OutputShape.Size)]);
        int ih = layer.InputShape.Height, iw = layer.InputShape.Width, oh = layer.OutputShape.Height, ow = layer.OutputShape.Width;
        inputGradient[..(batch * layer.InputShape.Size)].Clear();
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < table.Outputs; o++)
            {
                for (int y = 0; y < oh; y++)
                {
                    for (int x = 0; x < ow; x++)
                    {
                        double d = g[(((b * table.Outputs) + o) * oh * ow) + (y * ow) + x];
                        parameterGradient[kernelParameters + o] += d;
                        for (int c = table.FirstConnection(o); c < table.FirstConnection(o) + table.FanIn(o); c++)
                        {
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int at = (((b * layer.InputShape.Channels) + table.InputOfConnection[c]) * ih * iw) + ((y + ky) * iw) + x + kx;
                                    parameterGradient[(c * taps) + (ky * k) + kx] += d * input[at];
                                    inputGradient[at] += d * parameters[(c * taps) + (ky * k) + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
