using BenchmarkDotNet.Attributes;
using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Benchmarks;

/// <summary>
/// The C1 and C3 convolution kernels of one image at each vector width, against the same generic kernel run
/// one lane at a time (Vec1, the scalar path): the ratio is what the SIMD buys.
/// </summary>
[MemoryDiagnoser]
public class ConvolutionBenchmarks
{
    private readonly MapWiring _c1 = MapWiring.Forward(ConnectionTable.Full(1, 6));
    private readonly MapWiring _c3 = MapWiring.Forward(ConnectionTable.PaperC3);
    private readonly float[] _image = new float[32 * 32];
    private readonly float[] _s2 = new float[6 * 14 * 14];
    private readonly float[] _c1Kernels = new float[6 * 25];
    private readonly float[] _c3Kernels = new float[60 * 25];
    private readonly float[] _c1Out = new float[6 * 28 * 28];
    private readonly float[] _c1KernelGradient = new float[6 * 25];
    private readonly float[] _c3Out = new float[16 * 10 * 10];
    private readonly float[] _bias = new float[16];

    [Params(512, 256, 128, 32)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        foreach (var array in new[] { _image, _s2, _c1Kernels, _c3Kernels })
            for (int i = 0; i < array.Length; i++)
                array[i] = (float)random.NextDouble();
        Simd.MaxBits = Math.Min(Bits, Simd.DetectMaxBits());
    }

    [GlobalCleanup]
    public void Cleanup() => Simd.MaxBits = Simd.DetectMaxBits();

    [Benchmark]
    public void C1Forward() => ConvolutionKernels.Correlate(_image, 32, 32, _c1Kernels, 5, _bias.AsSpan(0, 6), _c1, _c1Out);

    [Benchmark]
    public void C3Forward() => ConvolutionKernels.Correlate(_s2, 14, 14, _c3Kernels, 5, _bias, _c3, _c3Out);

    [Benchmark]
    public void C1KernelGradient() => ConvolutionKernels.AccumulateGradients(_image, 32, 32, _c1Out, 5, _c1, _c1KernelGradient, _bias.AsSpan(0, 6));
}
