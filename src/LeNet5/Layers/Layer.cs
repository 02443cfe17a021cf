using System.Numerics.Tensors;
using LeNet5.Data;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// One layer of the network, batch-major: a batch of B images is B consecutive blocks of
/// <see cref="InputShape"/> in, B blocks of <see cref="OutputShape"/> out. A layer owns no buffers: its
/// parameters, activations, gradients and scratch are spans carved by the network and its workspace.
/// Each layer's optimised float path is held by the tests to a plain double-precision reference
/// (tests/LeNet5.Tests/Reference), which is itself checked against finite differences.
/// </summary>
internal abstract class Layer
{
    protected Layer(string name, TensorShape inputShape, TensorShape outputShape, Activation? activation)
    {
        Name = name;
        InputShape = inputShape;
        OutputShape = outputShape;
        Activation = activation;
    }

    /// <summary>The paper's name: C1, S2, C3, S4, C5, F6, Output.</summary>
    public string Name { get; }

    public TensorShape InputShape { get; }
    public TensorShape OutputShape { get; }

    /// <summary>The nonlinearity applied in place to this layer's output, or null for none.</summary>
    public Activation? Activation { get; }

    /// <summary>Trainable parameters, packed.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>Floats of scratch one forward or <see cref="Backward"/> call needs.</summary>
    public virtual int ScratchSize => 0;

    /// <summary>The named tensors this layer's parameters are stored as, in file order.</summary>
    public abstract IReadOnlyList<ParameterTensor> Tensors { get; }

    public abstract LayerSummary Summary { get; }

    /// <summary>Fills the parameters with the paper's initialisation: uniform in ±2.4/F, F the unit's fan-in (Appendix A).</summary>
    public abstract void Initialize(Span<float> parameters, SeededRandom random);

    /// <summary>
    /// Floats a workspace keeps for this layer from one <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, Span{float}, Span{float})"/>
    /// to the next: values derived from the parameters alone (C3's kernels in its tap-major layout), so inference, whose
    /// parameters do not change, derives them once. 0 for most layers.
    /// </summary>
    public virtual int CacheSize => 0;

    /// <summary>output = f(layer(input)) for <paramref name="batch"/> images.</summary>
    public abstract void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, Span{float})"/> with this layer's own
    /// <paramref name="cache"/> (<see cref="CacheSize"/> floats, zeros when new, written only by this layer): the same bits.
    /// </summary>
    public virtual void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch, Span<float> cache)
        => Forward(parameters, input, output, batch, scratch);

    /// <summary>
    /// Given dL/d(output) in <paramref name="outputGradient"/> (overwritten with dL/d(pre-activation)),
    /// adds dL/d(parameters) into <paramref name="parameterGradient"/> and writes dL/d(input) into
    /// <paramref name="inputGradient"/> unless it is empty.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch);

    /// <summary>
    /// <see cref="Backward"/> writing dL/d(parameters) into <paramref name="parameterGradient"/> instead of adding into it: the
    /// same bits as adding into zeros. By default it clears the layer's share and calls <see cref="Backward"/>; the dense
    /// layers store their gradient outright, so that at batch 1 C5's 48,000 gradients are written once, not cleared, read,
    /// added and written.
    /// </summary>
    public virtual void BackwardInto(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
    {
        parameterGradient[..ParameterCount].Clear();
        Backward(parameters, input, output, outputGradient, inputGradient, parameterGradient, batch, scratch);
    }

    /// <summary>
    /// For one image: <see cref="BackwardInto"/> with the stochastic diagonal Levenberg-Marquardt step of this layer's
    /// parameters fused in, p ← p − η·g·r (<see cref="Kernels.OptimizerKernels.DiagonalStep"/>), the input gradient computed
    /// from the parameters as they were; the parameter gradient is not stored. The same bits as the two passes. Returns
    /// false, doing nothing, where the layer has no fused step (the caller then runs <see cref="BackwardInto"/> and steps).
    /// </summary>
    public virtual bool BackwardAndDiagonalStep(Span<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, ReadOnlySpan<float> rates, float learningRate) => false;

    /// <summary>Floats of scratch one call to <see cref="BackwardCurvature"/> needs for <paramref name="batch"/> images.</summary>
    public virtual int CurvatureScratchSize(int batch) => ParameterCount + (batch * InputShape.Size) + ScratchSize;

    /// <summary>
    /// The Gauss-Newton diagonal backward pass of the stochastic diagonal Levenberg-Marquardt method (paper,
    /// Appendix C): given d²E/d(output)² in <paramref name="outputCurvature"/> (overwritten with d²E/da²,
    /// which drops f'' and keeps f'²), adds Σ over each parameter's connections of d²E/da_i²·x_j² into
    /// <paramref name="parameterCurvature"/> and writes d²E/dx_j² = Σ_i w_ij²·d²E/da_i² into
    /// <paramref name="inputCurvature"/> unless it is empty. Off-diagonal terms are dropped throughout.
    /// </summary>
    /// <remarks>
    /// These are the backward pass's own sums with every weight and every input squared, so by default this
    /// runs <see cref="Backward"/> on squared parameters and squared inputs, after applying f' once more.
    /// </remarks>
    public virtual void BackwardCurvature(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputCurvature,
        Span<float> inputCurvature, Span<float> parameterCurvature, int batch, Span<float> scratch)
    {
        int outputs = batch * OutputShape.Size, inputs = batch * InputShape.Size;
        if (Activation is { } activation)
            ActivationDispatch.Backward(activation, output[..outputs], outputCurvature[..outputs]);
        Span<float> squaredParameters = scratch[..ParameterCount];
        Span<float> squaredInput = scratch.Slice(ParameterCount, inputs);
        TensorPrimitives.Multiply(parameters[..ParameterCount], parameters[..ParameterCount], squaredParameters);
        TensorPrimitives.Multiply(input[..inputs], input[..inputs], squaredInput);
        Backward(squaredParameters, squaredInput, output, outputCurvature, inputCurvature, parameterCurvature, batch, scratch[(ParameterCount + inputs)..]);
    }

    protected static void FillUniform(Span<float> values, double limit, SeededRandom random)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)random.NextSymmetric(limit);
    }
}
