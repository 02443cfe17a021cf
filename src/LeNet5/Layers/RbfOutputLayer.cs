using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// The paper's output layer of Euclidean radial basis function units (Section II-B, eq. 7):
/// y_i = Σ_j (x_j − w_ij)², with fixed prototypes w (the 7×12 digit bitmaps, not trained). The prototypes
/// belong to the network; this layer reads them.
/// input (B, 84), prototypes (10, 84) -> output (B, 10)
/// </summary>
internal sealed class RbfOutputLayer : Layer
{
    private readonly float[] _prototypes;

    public RbfOutputLayer(string name, float[] prototypes, int inputs, int classes)
        : base(name, new TensorShape(inputs, 1, 1), new TensorShape(classes, 1, 1), activation: null)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(prototypes.Length, inputs * classes, nameof(prototypes));
        _prototypes = prototypes;
    }

    /// <summary>The fixed prototypes, [classes, inputs]: a read-only view for the tests' reference pass.</summary>
    internal ReadOnlySpan<float> Prototypes => _prototypes;

    private int Inputs => InputShape.Size;
    private int Classes => OutputShape.Size;
    public override int ParameterCount => 0;
    public override int ScratchSize => Inputs;
    public override IReadOnlyList<ParameterTensor> Tensors => [];

    /// <summary>One fixed weight per (class, input) pair, each a connection; no bias.</summary>
    public override LayerSummary Summary => new(Name, [Classes], 0, _prototypes.Length, _prototypes.Length);

    public override void Initialize(Span<float> parameters, SeededRandom random)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch)
    {
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * Inputs, Inputs);
            for (int i = 0; i < Classes; i++)
                output[(b * Classes) + i] = ReductionKernels.SquaredDistance(x, _prototypes.AsSpan(i * Inputs, Inputs));
        }
    }

    /// <summary>dL/dx_j = Σ_i 2·(x_j − w_ij)·dL/dy_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
    {
        if (inputGradient.IsEmpty)
            return;
        Span<float> difference = scratch[..Inputs];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * Inputs, Inputs);
            Span<float> result = inputGradient.Slice(b * Inputs, Inputs);
            result.Clear();
            for (int i = 0; i < Classes; i++)
            {
                TensorPrimitives.Subtract(x, _prototypes.AsSpan(i * Inputs, Inputs), difference);
                TensorPrimitives.MultiplyAdd(difference, 2f * outputGradient[(b * Classes) + i], result, result);
            }
        }
    }

    public override int CurvatureScratchSize(int batch) => 0;

    /// <summary>
    /// A penalty y_i = Σ_j (x_j − w_ij)² has the exact second derivative 2 in every x_j. Here
    /// <paramref name="outputCurvature"/> holds the weight with which each penalty enters the Gauss-Newton
    /// model of the loss (see <see cref="ILossHead.Curvature"/>), so d²E/dx_j² = 2·Σ_i c_i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void BackwardCurvature(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputCurvature,
        Span<float> inputCurvature, Span<float> parameterCurvature, int batch, Span<float> scratch)
    {
        if (inputCurvature.IsEmpty)
            return;
        for (int b = 0; b < batch; b++)
            inputCurvature.Slice(b * Inputs, Inputs).Fill(2f * ReductionKernels.Sum(outputCurvature.Slice(b * Classes, Classes)));
    }
}
