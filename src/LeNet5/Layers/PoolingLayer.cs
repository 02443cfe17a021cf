using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// The Modern network's parameter-free 2×2, stride-2 pooling (average or max), with no activation.
/// input (B, m, h, w) -> output (B, m, h/2, w/2)
/// </summary>
internal sealed class PoolingLayer : Layer
{
    private const int WindowSize = 4;
    /// <summary>1/4 per map: the share of an average window's gradient each of its four inputs receives.</summary>
    private readonly float[] _averageShares;

    public PoolingLayer(string name, TensorShape input, Pooling pooling)
        : base(name, input, new TensorShape(input.Channels, input.Height / 2, input.Width / 2), activation: null)
    {
        Pooling = pooling;
        _averageShares = Enumerable.Repeat(1f / WindowSize, input.Channels).ToArray();
    }

    public Pooling Pooling { get; }
    private int Maps => InputShape.Channels;
    public override int ParameterCount => 0;
    public override IReadOnlyList<ParameterTensor> Tensors => [];

    public override LayerSummary Summary =>
        new(Name, [OutputShape.Channels, OutputShape.Height, OutputShape.Width], 0, 0, (long)OutputShape.Size * WindowSize);

    public override void Initialize(Span<float> parameters, SeededRandom random)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch)
    {
        // The whole batch at once: B images of m maps are B·m maps.
        int inputs = batch * InputShape.Size, outputs = batch * OutputShape.Size;
        if (Pooling == Pooling.Max)
        {
            PoolingKernels.MaxWindows(input[..inputs], batch * Maps, InputShape.Height, InputShape.Width, output[..outputs]);
        }
        else
        {
            PoolingKernels.SumWindows(input[..inputs], batch * Maps, InputShape.Height, InputShape.Width, output[..outputs]);
            TensorPrimitives.Multiply(output[..outputs], 1f / WindowSize, output[..outputs]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
    {
        if (inputGradient.IsEmpty)
            return;
        int inSize = InputShape.Size, outSize = OutputShape.Size;
        if (Pooling == Pooling.Max)
        {
            PoolingKernels.MaxWindowsBackward(input[..(batch * inSize)], outputGradient[..(batch * outSize)], batch * Maps, InputShape.Height, InputShape.Width,
                inputGradient[..(batch * inSize)]);
            return;
        }
        for (int b = 0; b < batch; b++)
        {
            PoolingKernels.SpreadWindows(outputGradient.Slice(b * outSize, outSize), _averageShares, Maps, InputShape.Height, InputShape.Width,
                inputGradient.Slice(b * inSize, inSize));
        }
    }

    public override int CurvatureScratchSize(int batch) => 0;

    /// <summary>Average pooling's Jacobian is 1/4 per input, so the curvature is 1/16 of the output's; max pooling routes it unchanged.</summary>
    public override void BackwardCurvature(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputCurvature,
        Span<float> inputCurvature, Span<float> parameterCurvature, int batch, Span<float> scratch)
    {
        Backward(parameters, input, output, outputCurvature, inputCurvature, parameterCurvature, batch, scratch);
        if (Pooling == Pooling.Average && !inputCurvature.IsEmpty)
            TensorPrimitives.Multiply(inputCurvature[..(batch * InputShape.Size)], 1f / WindowSize, inputCurvature[..(batch * InputShape.Size)]);
    }
}
