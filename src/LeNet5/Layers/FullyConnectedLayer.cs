using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// A dense layer y = f(W·x + b): F6 (120→84, squashed) and the Modern output (84→10, no activation).
/// Parameters: W (outputs, inputs) row-major, then b (outputs).
/// input (B, inputs) -> output (B, outputs)
/// </summary>
internal sealed class FullyConnectedLayer : Layer
{
    private readonly string _prefix;

    public FullyConnectedLayer(string name, int inputs, int outputs, Activation? activation)
        : base(name, new TensorShape(inputs, 1, 1), new TensorShape(outputs, 1, 1), activation)
        => _prefix = name.ToLowerInvariant();

    private int Inputs => InputShape.Size;
    private int Outputs => OutputShape.Size;
    private int WeightCount => Inputs * Outputs;

    public override int ParameterCount => WeightCount + Outputs;

    public override IReadOnlyList<ParameterTensor> Tensors =>
    [
        new($"{_prefix}.weight", [Outputs, Inputs], 0, WeightCount),
        new($"{_prefix}.bias", [Outputs], WeightCount, Outputs),
    ];

    public override LayerSummary Summary => new(Name, [Outputs], ParameterCount, 0, ParameterCount);

    public override void Initialize(Span<float> parameters, SeededRandom random) => FillUniform(parameters[..ParameterCount], 2.4 / Inputs, random);

    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch)
    {
        ReadOnlySpan<float> weights = parameters[..WeightCount], bias = parameters.Slice(WeightCount, Outputs);
        ActivationDispatch.Dense(input[..(batch * Inputs)], weights, bias, output[..(batch * Outputs)], batch, Activation);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
        => Backward(parameters, input, output, outputGradient, inputGradient, parameterGradient, batch, overwrite: false);

    public override void BackwardInto(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
        => Backward(parameters, input, output, outputGradient, inputGradient, parameterGradient, batch, overwrite: true);

    /// <summary>The weights' step fused into the input gradient (<see cref="DenseKernels.InputGradientAndDiagonalStep"/>); the bias's gradient is dY.</summary>
    public override bool BackwardAndDiagonalStep(Span<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, ReadOnlySpan<float> rates, float learningRate)
    {
        if (Activation is { } activation)
            ActivationDispatch.Backward(activation, output[..Outputs], outputGradient[..Outputs]);
        DenseKernels.DiagonalStepWithInputGradient(parameters[..ParameterCount], input[..Inputs], outputGradient[..Outputs], inputGradient.IsEmpty ? default : inputGradient[..Inputs],
            rates[..ParameterCount], learningRate);
        return true;
    }

    private void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, bool overwrite)
    {
        if (Activation is { } activation)
            ActivationDispatch.Backward(activation, output[..(batch * Outputs)], outputGradient[..(batch * Outputs)]);
        ReadOnlySpan<float> weights = parameters[..WeightCount];
        Span<float> weightGradient = parameterGradient[..WeightCount], biasGradient = parameterGradient.Slice(WeightCount, Outputs);
        ReadOnlySpan<float> gradient = outputGradient[..(batch * Outputs)];
        if (overwrite)
            DenseKernels.WriteGradients(input[..(batch * Inputs)], gradient, weightGradient, biasGradient, batch);
        else
            DenseKernels.AccumulateGradients(input[..(batch * Inputs)], gradient, weightGradient, biasGradient, batch);
        if (!inputGradient.IsEmpty)
            DenseKernels.InputGradient(weights, gradient, inputGradient[..(batch * Inputs)], batch, Inputs);
    }
}
