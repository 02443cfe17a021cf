using LeNet5.Layers;

namespace LeNet5.Tests.Reference;

/// <summary><see cref="FullyConnectedLayer"/> as y = f(W·x + b) by dot products, in double.</summary>
internal static class FullyConnectedReference
{
    public static void Forward(FullyConnectedLayer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, int batch)
    {
        int inputs = layer.InputShape.Size, outputs = layer.OutputShape.Size, weightCount = inputs * outputs;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = parameters[weightCount + o];
                for (int i = 0; i < inputs; i++)
                    sum += parameters[(o * inputs) + i] * input[(b * inputs) + i];
                output[(b * outputs) + o] = sum;
            }
        }
        ReferenceActivation.Apply(layer.Activation, output[..(batch * outputs)]);
    }

    public static void Backward(FullyConnectedLayer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputGradient, Span<double> inputGradient, Span<double> parameterGradient, int batch)
    {
        int inputs = layer.InputShape.Size, outputs = layer.OutputShape.Size, weightCount = inputs * outputs;
        double[] g = ReferenceActivation.PreActivationGradient(layer.Activation, output[..(batch * outputs)], outputGradient[..(batch * outputs)]);
        inputGradient[..(batch * inputs)].Clear();
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double d = g[(b * outputs) + o];
                parameterGradient[weightCount + o] += d;
                for (int i = 0; i < inputs; i++)
                {
                    parameterGradient[(o * inputs) + i] += d * input[(b * inputs) + i];
                    inputGradient[(b * inputs) + i] += d * parameters[(o * inputs) + i];
                }
            }
        }
    }
}
