using LeNet5.Network;

namespace LeNet5.Tests.Reference;

/// <summary>The whole network in double precision, layer by layer through <see cref="LayerReference"/>. It allocates.</summary>
internal static class NetworkReference
{
    /// <summary>Every layer's outputs for a batch, by the double-precision reference forward passes.</summary>
    public static double[][] ReferenceActivations(this LeNet5Network network, ReadOnlySpan<double> parameters, ReadOnlySpan<double> inputs, int batch)
    {
        var layers = network.Layers;
        var activations = new double[layers.Count][];
        for (int l = 0; l < layers.Count; l++)
        {
            activations[l] = new double[batch * layers[l].OutputShape.Size];
            ReadOnlySpan<double> input = l == 0 ? inputs : activations[l - 1];
            layers[l].ForwardReference(parameters.Slice(network.ParameterOffset(l), layers[l].ParameterCount), input, activations[l], batch);
        }
        return activations;
    }

    /// <summary>
    /// Returns the summed loss over the batch and fills the outputs, the parameter gradients and the input gradients.
    /// </summary>
    public static double ReferenceLoss(this LeNet5Network network, ReadOnlySpan<double> parameters, ReadOnlySpan<double> inputs, ReadOnlySpan<int> labels,
        Span<double> outputs, Span<double> parameterGradient, Span<double> inputGradient)
    {
        var layers = network.Layers;
        int batch = labels.Length;
        double[][] activations = network.ReferenceActivations(parameters, inputs, batch);
        double[] last = activations[^1];
        last.CopyTo(outputs);
        var gradient = new double[last.Length];
        double loss = 0;
        for (int b = 0; b < batch; b++)
        {
            loss += network.LossHead.LossReference(last.AsSpan(b * LeNet5Network.Classes, LeNet5Network.Classes), labels[b],
                gradient.AsSpan(b * LeNet5Network.Classes, LeNet5Network.Classes));
        }

        parameterGradient.Clear();
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            double[] inputGradientOfLayer = l > 0 ? new double[batch * layers[l].InputShape.Size] : [];
            Span<double> target = l > 0 ? inputGradientOfLayer : inputGradient;
            ReadOnlySpan<double> input = l == 0 ? inputs : activations[l - 1];
            int offset = network.ParameterOffset(l), count = layers[l].ParameterCount;
            layers[l].BackwardReference(parameters.Slice(offset, count), input, activations[l], gradient, target, parameterGradient.Slice(offset, count), batch);
            gradient = inputGradientOfLayer;
        }
        return loss;
    }
}
