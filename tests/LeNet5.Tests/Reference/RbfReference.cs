using LeNet5.Layers;

namespace LeNet5.Tests.Reference;

/// <summary><see cref="RbfOutputLayer"/>: y_i = Σ_j (x_j − w_ij)² over the layer's fixed prototypes, in double.</summary>
internal static class RbfReference
{
    public static void Forward(RbfOutputLayer layer, ReadOnlySpan<double> input, Span<double> output, int batch)
    {
        ReadOnlySpan<float> prototypes = layer.Prototypes;
        int inputs = layer.InputShape.Size, classes = layer.OutputShape.Size;
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < classes; i++)
            {
                double sum = 0;
                for (int j = 0; j < inputs; j++)
                {
                    double d = input[(b * inputs) + j] - prototypes[(i * inputs) + j];
                    sum += d * d;
                }
                output[(b * classes) + i] = sum;
            }
        }
    }

    public static void Backward(RbfOutputLayer layer, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> inputGradient, int batch)
    {
        ReadOnlySpan<float> prototypes = layer.Prototypes;
        int inputs = layer.InputShape.Size, classes = layer.OutputShape.Size;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < inputs; j++)
            {
                double sum = 0;
                for (int i = 0; i < classes; i++)
                    sum += 2 * (input[(b * inputs) + j] - prototypes[(i * inputs) + j]) * outputGradient[(b * classes) + i];
                inputGradient[(b * inputs) + j] = sum;
            }
        }
    }
}
