using BenchmarkDotNet.Attributes;
using LeNet5.Data;
using LeNet5.Training;

namespace LeNet5.Benchmarks;

/// <summary>One random affine distortion of a 32×32 image with the default ranges: draw, invert, resample.</summary>
[MemoryDiagnoser]
public class DistortionBenchmarks
{
    private readonly float[] _source = new float[32 * 32];
    private readonly float[] _destination = new float[32 * 32];
    private readonly SeededRandom _random = new(1);

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(2);
        for (int i = 0; i < _source.Length; i++)
            _source[i] = -0.1f + (float)(1.275 * random.NextDouble());
    }

    [Benchmark]
    public void Apply() => Distortion.Apply(_source, _destination, DistortionOptions.Default, _random);
}
