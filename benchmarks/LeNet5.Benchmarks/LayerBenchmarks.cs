using BenchmarkDotNet.Attributes;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Benchmarks;

/// <summary>
/// Each layer's forward and backward pass on one thread, for a batch of 1 or 64 images of the Classic or the Modern
/// network: where a training step's time goes. Divide by the batch size for the time per image.
/// </summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private LeNet5Network _network = null!;
    private NetworkWorkspace _workspace = null!;
    private float[] _inputs = null!;

    [Params("Classic", "Modern")]
    public string Architecture { get; set; } = "Classic";

    [Params("C1", "S2", "C3", "S4", "C5", "F6", "Output")]
    public string Layer { get; set; } = "C1";

    [Params(1, 64)]
    public int Batch { get; set; }

    // Looked up once in the setup: a lookup per call would allocate, and the allocation column would show it.
    private int _index;

    [GlobalSetup]
    public void Setup()
    {
        var definition = Architecture == "Classic" ? NetworkDefinition.Classic : NetworkDefinition.Modern();
        _network = LeNet5Network.Create(definition, seed: 1);
        _index = _network.Layers.Select(l => l.Name).ToList().IndexOf(Layer);
        _workspace = _network.CreateWorkspace(Batch);
        var random = new Random(2);
        _inputs = Enumerable.Range(0, Batch * LeNet5Network.InputSize).Select(_ => (float)((random.NextDouble() * 1.275) - 0.1)).ToArray();
        // Every layer's input and output as a real forward pass leaves them; gradients of 0.01 everywhere.
        _network.Forward(_workspace, _inputs);
        for (int l = 0; l < _network.Layers.Count; l++)
            _workspace.Gradient(l, Batch).Fill(0.01f);
    }

    /// <summary>The forward pass as inference runs it: with the layer's cache in the workspace (C3 keeps its kernels tap-major).</summary>
    [Benchmark]
    public void Forward()
    {
        int l = _index;
        ReadOnlySpan<float> input = l == 0 ? _inputs : _workspace.Activation(l - 1, Batch);
        _network.Layers[l].Forward(_network.LayerParameters(l), input, _workspace.Activation(l, Batch), Batch, _workspace.Scratch, _workspace.LayerCache(l));
    }

    /// <summary>The backward pass, input gradient included except below C1 (as in training).</summary>
    [Benchmark]
    public void Backward()
    {
        int l = _index;
        ReadOnlySpan<float> input = l == 0 ? _inputs : _workspace.Activation(l - 1, Batch);
        Span<float> inputGradient = l == 0 ? default : _workspace.Gradient(l - 1, Batch);
        _network.Layers[l].Backward(_network.LayerParameters(l), input, _workspace.Activation(l, Batch), _workspace.Gradient(l, Batch), inputGradient,
            _workspace.LayerParameterGradients(l), Batch, _workspace.Scratch);
    }
}
