using System.Runtime.CompilerServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// The paper's trainable subsampling (S2, S4; Section II-B): each unit adds the four inputs of its 2×2
/// window, multiplies the sum by its map's trainable coefficient, adds its map's trainable bias and goes
/// through the squash. Parameters: coefficients (maps), then biases (maps).
/// input (B, m, h, w) -> output (B, m, h/2, w/2)
/// </summary>
internal sealed class SubsamplingLayer : Layer
{
    private const int WindowSize = 4;
    private readonly string _prefix;

    public SubsamplingLayer(string name, TensorShape input)
        : base(name, input, new TensorShape(input.Channels, input.Height / 2, input.Width / 2), Model.Activation.ScaledTanh)
        => _prefix = name.ToLowerInvariant();

    private int Maps => InputShape.Channels;

    public override int ParameterCount => 2 * Maps;

    /// <summary>The window sums of one image, kept to compute the coefficients' gradient.</summary>
    public override int ScratchSize => OutputShape.Size;

    public override IReadOnlyList<ParameterTensor> Tensors =>
    [
        new($"{_prefix}.weight", [Maps], 0, Maps),
        new($"{_prefix}.bias", [Maps], Maps, Maps),
    ];

    /// <summary>Four inputs and a bias per unit; two trainable parameters per map.</summary>
    public override LayerSummary Summary =>
        new(Name, [OutputShape.Channels, OutputShape.Height, OutputShape.Width], ParameterCount, 0, (long)OutputShape.Size * (WindowSize + 1));

    public override void Initialize(Span<float> parameters, SeededRandom random) => FillUniform(parameters[..ParameterCount], 2.4 / WindowSize, random);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch)
    {
        int inSize = InputShape.Size, outSize = OutputShape.Size, plane = OutputShape.Plane;
        PoolingKernels.SumWindows(input[..(batch * inSize)], batch * Maps, InputShape.Height, InputShape.Width, output[..(batch * outSize)]);
        for (int b = 0; b < batch; b++)
        {
            Span<float> result = output.Slice(b * outSize, outSize);
            for (int m = 0; m < Maps; m++)
                ActivationDispatch.AffineForward(Model.Activation.ScaledTanh, result.Slice(m * plane, plane), parameters[m], parameters[Maps + m]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
    {
        int inSize = InputShape.Size, outSize = OutputShape.Size, plane = OutputShape.Plane;
        ActivationDispatch.Backward(Model.Activation.ScaledTanh, output[..(batch * outSize)], outputGradient[..(batch * outSize)]);
        Span<float> sums = scratch[..outSize];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> gradient = outputGradient.Slice(b * outSize, outSize);
            PoolingKernels.SumWindows(input.Slice(b * inSize, inSize), Maps, InputShape.Height, InputShape.Width, sums);
            for (int m = 0; m < Maps; m++)
            {
                parameterGradient[m] += ReductionKernels.Dot(gradient.Slice(m * plane, plane), sums.Slice(m * plane, plane));
                parameterGradient[Maps + m] += ReductionKernels.Sum(gradient.Slice(m * plane, plane));
            }
            if (!inputGradient.IsEmpty)
                PoolingKernels.SpreadWindows(gradient, parameters[..Maps], Maps, InputShape.Height, InputShape.Width, inputGradient.Slice(b * inSize, inSize));
        }
    }
}
