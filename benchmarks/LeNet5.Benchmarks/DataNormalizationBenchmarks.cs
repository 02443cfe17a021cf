using BenchmarkDotNet.Attributes;
using LeNet5.Data;

namespace LeNet5.Benchmarks;

/// <summary>
/// Keep the bytes and normalise a batch on the fly (<see cref="MnistDataset.CopyInputs"/>), or normalise the whole
/// training set once (245 MB of floats) and copy a batch out: which is faster per batch of 256 shuffled images?
/// </summary>
[MemoryDiagnoser]
public class DataNormalizationBenchmarks
{
    private const int BatchSize = 256;

    private MnistDataset _training = null!;
    private float[] _normalisedOnce = [];
    private int[] _batch = [];
    private float[] _destination = [];

    [GlobalSetup]
    public void Setup()
    {
        _training = MnistDataset.LoadTraining(MnistLocation.Find());
        int[] all = Enumerable.Range(0, _training.Count).ToArray();
        _normalisedOnce = new float[all.Length * Preprocessing.InputSize];
        _training.CopyInputs(all, _normalisedOnce);
        _batch = _training.ShuffledIndices(seed: 1)[..BatchSize];
        _destination = new float[BatchSize * Preprocessing.InputSize];
    }

    [Benchmark(Baseline = true)]
    public void OnTheFly() => _training.CopyInputs(_batch, _destination);

    [Benchmark]
    public void CopyPrecomputed()
    {
        for (int i = 0; i < _batch.Length; i++)
        {
            _normalisedOnce.AsSpan(_batch[i] * Preprocessing.InputSize, Preprocessing.InputSize)
                .CopyTo(_destination.AsSpan(i * Preprocessing.InputSize, Preprocessing.InputSize));
        }
    }
}
