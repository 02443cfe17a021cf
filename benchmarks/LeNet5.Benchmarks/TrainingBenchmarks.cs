using BenchmarkDotNet.Attributes;
using LeNet5.Data;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Benchmarks;

/// <summary>
/// One pass of the Classic network's training over 1,280 images: gradient, reduction across workers and the
/// optimiser's update (SDLM with its curvature estimate on 500 patterns, or SGD with momentum), at batches of 1
/// and 64 on one thread and on two. Images per second = 1,280 / time; the allocation column is per pass.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private const int Images = 1280;
    private Trainer _trainer = null!;
    private RandomImages _data = null!;

    [Params(1, 64)]
    public int Batch { get; set; }

    [Params(OptimizerKind.DiagonalLevenbergMarquardt, OptimizerKind.SgdMomentum)]
    public OptimizerKind Optimizer { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new RandomImages(Images);
        var options = TrainingOptions.PaperClassic with { BatchSize = Batch, Threads = Threads, Optimizer = Optimizer };
        _trainer = new Trainer(LeNet5Network.Create(seed: 1), options);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    [Benchmark]
    public double Epoch() => _trainer.RunEpoch(_data, 0, null, default).Loss;

    private sealed class RandomImages : ILabeledImages
    {
        private readonly float[] _images;

        public RandomImages(int count)
        {
            var random = new Random(3);
            _images = new float[count * LeNet5Network.InputSize];
            for (int i = 0; i < _images.Length; i++)
                _images[i] = (float)((random.NextDouble() * 1.275) - 0.1);
        }

        public int Count => _images.Length / LeNet5Network.InputSize;

        public void CopyInputs(ReadOnlySpan<int> indices, Span<float> destination)
        {
            for (int i = 0; i < indices.Length; i++)
                _images.AsSpan(indices[i] * LeNet5Network.InputSize, LeNet5Network.InputSize).CopyTo(destination.Slice(i * LeNet5Network.InputSize, LeNet5Network.InputSize));
        }

        public int Label(int index) => index % 10;
    }
}
