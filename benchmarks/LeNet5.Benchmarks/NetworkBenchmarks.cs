using BenchmarkDotNet.Attributes;
using LeNet5.Network;

namespace LeNet5.Benchmarks;

/// <summary>
/// The whole network on one thread: inference, and a training step's forward + backward (the gradient; the
/// optimiser's update is not included), per batch. Divide the batch size by the time for images/s.
/// </summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private LeNet5Network _network = null!;
    private NetworkWorkspace _workspace = null!;
    private float[] _inputs = null!;
    private int[] _labels = null!;
    private int[] _predictions = null!;

    [Params("Classic", "Modern")]
    public string Architecture { get; set; } = "Classic";

    [Params(1, 64, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var definition = Architecture == "Classic" ? Model.NetworkDefinition.Classic : Model.NetworkDefinition.Modern();
        _network = LeNet5Network.Create(definition, seed: 1);
        _workspace = _network.CreateWorkspace(Batch);
        var random = new Random(2);
        _inputs = Enumerable.Range(0, Batch * LeNet5Network.InputSize).Select(_ => (float)((random.NextDouble() * 1.275) - 0.1)).ToArray();
        _labels = Enumerable.Range(0, Batch).Select(i => i % 10).ToArray();
        _predictions = new int[Batch];
    }

    [Benchmark]
    public void Predict() => _network.Predict(_workspace, _inputs, _predictions);

    [Benchmark]
    public float ForwardBackward() => _network.ComputeGradients(_workspace, _inputs, _labels);
}
