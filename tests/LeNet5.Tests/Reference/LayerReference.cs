using LeNet5.Layers;

namespace LeNet5.Tests.Reference;

/// <summary>
/// Every layer's plain double-precision forward and backward passes, the oracle the optimised float paths and the
/// finite differences are checked against. They read a layer's shapes, table and activation through its internal
/// members and take its parameters as the same packed span the layer uses.
/// </summary>
internal static class LayerReference
{
    /// <summary>The reference forward pass in double precision, activation included.</summary>
    public static void ForwardReference(this Layer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, int batch)
    {
        switch (layer)
        {
            case ConvolutionLayer convolution: ConvolutionReference.Forward(convolution, parameters, input, output, batch); break;
            case SubsamplingLayer subsampling: SubsamplingReference.Forward(subsampling, parameters, input, output, batch); break;
            case PoolingLayer pooling: PoolingReference.Forward(pooling, input, output, batch); break;
            case FullyConnectedLayer dense: FullyConnectedReference.Forward(dense, parameters, input, output, batch); break;
            case RbfOutputLayer rbf: RbfReference.Forward(rbf, input, output, batch); break;
            default: throw new ArgumentException($"No reference for {layer.GetType().Name}.", nameof(layer));
        }
    }

    /// <summary>
    /// The reference backward pass: from dL/d(output) (after the activation), adds into
    /// <paramref name="parameterGradient"/> and writes <paramref name="inputGradient"/>.
    /// </summary>
    public static void BackwardReference(this Layer layer, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputGradient, Span<double> inputGradient, Span<double> parameterGradient, int batch)
    {
        switch (layer)
        {
            case ConvolutionLayer convolution:
                ConvolutionReference.Backward(convolution, parameters, input, output, outputGradient, inputGradient, parameterGradient, batch);
                break;
            case SubsamplingLayer subsampling:
                SubsamplingReference.Backward(subsampling, parameters, input, output, outputGradient, inputGradient, parameterGradient, batch);
                break;
            case PoolingLayer pooling: PoolingReference.Backward(pooling, input, outputGradient, inputGradient, batch); break;
            case FullyConnectedLayer dense:
                FullyConnectedReference.Backward(dense, parameters, input, output, outputGradient, inputGradient, parameterGradient, batch);
                break;
            case RbfOutputLayer rbf: RbfReference.Backward(rbf, input, outputGradient, inputGradient, batch); break;
            default: throw new ArgumentException($"No reference for {layer.GetType().Name}.", nameof(layer));
        }
    }
}
