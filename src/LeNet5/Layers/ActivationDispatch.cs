using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// The one place the model's <see cref="Activation"/> is turned into the operator structs the kernels are generic
/// over (<see cref="ActivationKernels.IActivationOp"/> forward, <see cref="ActivationKernels.IDerivativeProduct"/>
/// backward), so that the kernels know nothing of the model.
/// </summary>
internal static class ActivationDispatch
{
    /// <summary>values ← f(values), in one pass.</summary>
    public static void Forward(Activation activation, Span<float> values) => AffineForward(activation, values, 1f, 0f);

    /// <summary>values ← f(scale·values + shift), in one pass: the trainable subsampling's coefficient, bias and squash.</summary>
    public static void AffineForward(Activation activation, Span<float> values, float scale, float shift)
    {
        switch (activation)
        {
            case Activation.ScaledTanh: ActivationKernels.AffineForward<ActivationKernels.ScaledTanhOp>(values, scale, shift); break;
            case Activation.Tanh: ActivationKernels.AffineForward<ActivationKernels.TanhOp>(values, scale, shift); break;
            case Activation.ReLU: ActivationKernels.AffineForward<ActivationKernels.ReLUOp>(values, scale, shift); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>gradient ← gradient · f'(a), where outputs holds y = f(a).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> outputs, Span<float> gradient)
    {
        switch (activation)
        {
            case Activation.ScaledTanh: ActivationKernels.Apply<ActivationKernels.SquashDerivative>(outputs, gradient); break;
            case Activation.Tanh: ActivationKernels.Apply<ActivationKernels.TanhDerivative>(outputs, gradient); break;
            case Activation.ReLU: ActivationKernels.Apply<ActivationKernels.ReLUDerivative>(outputs, gradient); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary><see cref="DenseKernels.Forward{TAct}"/> with f the activation (none when null).</summary>
    public static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, Activation? activation)
    {
        switch (activation)
        {
            case null: DenseKernels.Forward<ActivationKernels.IdentityOp>(x, weights, bias, y, batch); break;
            case Activation.ScaledTanh: DenseKernels.Forward<ActivationKernels.ScaledTanhOp>(x, weights, bias, y, batch); break;
            case Activation.Tanh: DenseKernels.Forward<ActivationKernels.TanhOp>(x, weights, bias, y, batch); break;
            case Activation.ReLU: DenseKernels.Forward<ActivationKernels.ReLUOp>(x, weights, bias, y, batch); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary><see cref="ConvolutionKernels.Correlate{TAct}"/> with f the activation (none when null).</summary>
    public static void Correlate(ReadOnlySpan<float> input, int inputHeight, int inputWidth, ReadOnlySpan<float> kernels, int kernelSize,
        ReadOnlySpan<float> bias, MapWiring wiring, Span<float> output, Activation? activation)
    {
        switch (activation)
        {
            case null: ConvolutionKernels.Correlate<ActivationKernels.IdentityOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case Activation.ScaledTanh: ConvolutionKernels.Correlate<ActivationKernels.ScaledTanhOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case Activation.Tanh: ConvolutionKernels.Correlate<ActivationKernels.TanhOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            case Activation.ReLU: ConvolutionKernels.Correlate<ActivationKernels.ReLUOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary><see cref="MapLaneConvolutionKernels.Correlate{TOp}"/> with f the activation (none when null).</summary>
    public static void MapLaneCorrelate(ReadOnlySpan<float> input, int sources, int inputHeight, int inputWidth, ReadOnlySpan<float> transposed, int kernelSize,
        ReadOnlySpan<float> bias, Span<float> output, Span<float> scratch, Activation? activation)
    {
        switch (activation)
        {
            case null: MapLaneConvolutionKernels.Correlate<ActivationKernels.IdentityOp>(input, sources, inputHeight, inputWidth, transposed, kernelSize, bias, output, scratch); break;
            case Activation.ScaledTanh: MapLaneConvolutionKernels.Correlate<ActivationKernels.ScaledTanhOp>(input, sources, inputHeight, inputWidth, transposed, kernelSize, bias, output, scratch); break;
            case Activation.Tanh: MapLaneConvolutionKernels.Correlate<ActivationKernels.TanhOp>(input, sources, inputHeight, inputWidth, transposed, kernelSize, bias, output, scratch); break;
            case Activation.ReLU: MapLaneConvolutionKernels.Correlate<ActivationKernels.ReLUOp>(input, sources, inputHeight, inputWidth, transposed, kernelSize, bias, output, scratch); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }
}
