using BenchmarkDotNet.Attributes;
using LeNet5.Kernels;
using LeNet5.Layers;
using LeNet5.Model;

namespace LeNet5.Benchmarks;

/// <summary>
/// The engine's kernels at each vector width, against the same generic kernel run one lane at a time (32 bits, the
/// scalar path): the ratio of a width's time to the 32-bit row is what SIMD buys. One image for the convolutions,
/// 64 for the dense kernels. Widths the machine does not accelerate are emulated by .NET and are slow.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int Batch = 64;
    private readonly MapWiring _c1 = TableWiring.Forward(ConnectionTable.Full(1, 6));
    private readonly MapWiring _c3Wiring = TableWiring.Transposed(ConnectionTable.PaperC3);
    private readonly float[] _image = Random(32 * 32);
    private readonly float[] _s2 = Random(6 * 14 * 14);
    private readonly float[] _c1Kernels = Random(6 * 25);
    private readonly float[] _c3Kernels = Random(60 * 25);
    private readonly float[] _c3Transposed = new float[6 * 25 * 16];
    private readonly float[] _c1Out = new float[6 * 28 * 28];
    private readonly float[] _c1KernelGradient = new float[6 * 25];
    private readonly float[] _c3Out = Random(16 * 10 * 10);
    private readonly float[] _c3InputScratch = new float[ConvolutionKernels.InputGradientScratchSize(16, 6, 14, 14, 5)];
    private readonly float[] _c1Pooled = new float[6 * 14 * 14];
    private readonly float[] _c1Routed = new float[6 * 28 * 28];
    private readonly float[] _s2Gradient = new float[6 * 14 * 14];
    private readonly float[] _c3KernelGradient = new float[6 * 25 * 16];
    private readonly float[] _c3Block = new float[MapLaneConvolutionKernels.CorrelateScratchSize(16, 100)];
    private readonly float[] _bias = Random(16);
    private readonly float[] _s4 = Random(Batch * 400);
    private readonly float[] _c5Weights = Random(120 * 400);
    private readonly float[] _c5Bias = Random(120);
    private readonly float[] _c5Out = Random(Batch * 120);
    private readonly float[] _c5WeightGradient = new float[120 * 400];
    private readonly float[] _s4Gradient = new float[Batch * 400];

    [Params(512, 256, 128, 32)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Simd.MaxBits = Bits;
        MapLaneConvolutionKernels.Transpose(_c3Kernels, TableWiring.ConnectionGrid(ConnectionTable.PaperC3), 6, 25, _c3Transposed, _c3Block);
    }

    [GlobalCleanup]
    public void Cleanup() => Simd.MaxBits = Simd.DetectMaxBits();

    /// <summary>C1, six maps sharing each input load, squashed.</summary>
    [Benchmark]
    public void C1Forward() => ConvolutionKernels.Correlate<ActivationKernels.ScaledTanhOp>(_image, 32, 32, _c1Kernels, 5, _bias.AsSpan(0, 6), _c1, _c1Out);

    [Benchmark]
    public void C1KernelGradient() => ConvolutionKernels.AccumulateGradients(_image, 32, 32, _c1Out, 5, _c1, _c1KernelGradient, _bias.AsSpan(0, 6));

    /// <summary>C3 through Table I, the 16 maps across the lanes, squashed.</summary>
    [Benchmark]
    public void C3Forward() => MapLaneConvolutionKernels.Correlate<ActivationKernels.ScaledTanhOp>(_s2, 6, 14, 14, _c3Transposed, 5, _bias, _c3Out, _c3Block);

    [Benchmark]
    public void C3KernelGradient() => MapLaneConvolutionKernels.AccumulateGradients(_s2, 6, 14, 14, _c3Out, 16, 5, _c3KernelGradient, _c3Block);

    /// <summary>C3's input gradient: the output gradient scattered through the kernels and the transposed table.</summary>
    [Benchmark]
    public void C3InputGradient() => ConvolutionKernels.InputGradient(_c3Out, 14, 14, _c3Kernels, 5, _c3Wiring, _s2Gradient, _c3InputScratch);

    /// <summary>Modern's S2 on C1's maps: 2×2 max pooling, forward and backward (the gradient to each window's maximum).</summary>
    [Benchmark]
    public void S2MaxPooling()
    {
        PoolingKernels.MaxWindows(_c1Out, 6, 28, 28, _c1Pooled);
        PoolingKernels.MaxWindowsBackward(_c1Out, _c1Pooled, 6, 28, 28, _c1Routed);
    }

    /// <summary>Classic's S2 sums: the window sums of the forward pass and the backward's spread of the gradient.</summary>
    [Benchmark]
    public void S2Subsampling()
    {
        PoolingKernels.SumWindows(_c1Out, 6, 28, 28, _c1Pooled);
        PoolingKernels.SpreadWindows(_c1Pooled, _bias, 6, 28, 28, _c1Routed);
    }

    /// <summary>C5 as a dense layer over 64 images: Y = X·Wᵀ + b, squashed.</summary>
    [Benchmark]
    public void C5Forward() => DenseKernels.Forward<ActivationKernels.ScaledTanhOp>(_s4, _c5Weights, _c5Bias, _c5Out, Batch);

    /// <summary>C5's backward over 64 images: dW += dYᵀ·X and dX = dY·W.</summary>
    [Benchmark]
    public void C5Backward()
    {
        DenseKernels.AccumulateGradients(_s4, _c5Out, _c5WeightGradient, _c5Bias, Batch);
        DenseKernels.InputGradient(_c5Weights, _c5Out, _s4Gradient, Batch, 400);
    }

    /// <summary>
    /// The RBF output's ten squared distances from F6's 84 outputs for 64 images (paper eq. 7), and C1's bias gradient
    /// over one image's six 784-float maps: the layers' sums, at the width like every kernel.
    /// </summary>
    [Benchmark]
    public float Reductions()
    {
        float total = 0;
        for (int b = 0; b < Batch; b++)
        {
            ReadOnlySpan<float> x = _s4.AsSpan(b * 84, 84);
            for (int i = 0; i < 10; i++)
                total += ReductionKernels.SquaredDistance(x, _c5Weights.AsSpan(i * 84, 84));
        }

        for (int t = 0; t < 6; t++)
            total += ReductionKernels.Sum(_c1Out.AsSpan(t * 784, 784));
        return total;
    }

    private static float[] Random(int length)
    {
        var random = new Random(length);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }
}
