using LeNet5.Kernels;

namespace LeNet5.Network;

/// <summary>
/// Every buffer one forward/backward pass of a batch needs, allocated once: each layer's outputs and
/// their gradients (carved from one buffer each by the same offsets), the parameter gradients, the input
/// gradients, the layers' scratch and what layers keep between passes (<see cref="LayerCache"/>). Reusing a workspace allocates nothing. One workspace per thread.
/// </summary>
public sealed class NetworkWorkspace
{
    private readonly int[] _offsets; // per layer, start of its outputs for a batch of Capacity images
    private readonly int[] _sizes;
    private readonly ArraySegment<float> _activations;
    private readonly ArraySegment<float> _gradients;
    private readonly ArraySegment<float> _parameterGradients;
    private readonly float[] _inputGradients;
    private readonly int[] _cacheOffsets; // per layer, start of its cache in _caches
    private readonly ArraySegment<float> _caches;
    private float[]? _parameterCurvature;
    private float[]? _curvatureScratch;

    internal NetworkWorkspace(LeNet5Network network, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Network = network;
        Capacity = capacity;
        int layers = network.Layers.Count;
        _offsets = new int[layers + 1];
        _sizes = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            _sizes[l] = network.Layers[l].OutputShape.Size;
            _offsets[l + 1] = AlignedArray.WholeLines(checked(_offsets[l] + (_sizes[l] * capacity)));
        }
        _activations = AlignedArray.Allocate(_offsets[^1]);
        _gradients = AlignedArray.Allocate(_offsets[^1]);
        _parameterGradients = AlignedArray.Allocate(network.ParameterCount, network.AlignedParameter);
        _inputGradients = new float[checked(capacity * LeNet5Network.InputSize)];
        Scratch = AlignedArray.Allocate(network.Layers.Max(l => l.ScratchSize));
        _cacheOffsets = new int[layers + 1];
        for (int l = 0; l < layers; l++)
            _cacheOffsets[l + 1] = AlignedArray.WholeLines(checked(_cacheOffsets[l] + network.Layers[l].CacheSize));
        _caches = AlignedArray.Allocate(_cacheOffsets[^1]);
    }

    internal LeNet5Network Network { get; }

    /// <summary>The largest batch this workspace holds.</summary>
    public int Capacity { get; }

    /// <summary>d(loss)/d(parameters) of the last <see cref="LeNet5Network.ComputeGradients(NetworkWorkspace, ReadOnlySpan{float}, ReadOnlySpan{int}, bool)"/>, laid out as <see cref="LeNet5Network.Parameters"/>.</summary>
    public Span<float> ParameterGradients => _parameterGradients;

    /// <summary>d(loss)/d(inputs) of the last <see cref="LeNet5Network.ComputeGradients(NetworkWorkspace, ReadOnlySpan{float}, ReadOnlySpan{int}, bool)"/> that asked for it, one image after another.</summary>
    public ReadOnlySpan<float> InputGradients => _inputGradients;

    /// <summary>
    /// The Gauss-Newton curvature sums of <see cref="LeNet5Network.AccumulateCurvature"/>, laid out as
    /// <see cref="LeNet5Network.Parameters"/>. Allocated on first use: only second-order training needs it.
    /// </summary>
    public Span<float> ParameterCurvature => _parameterCurvature ??= new float[Network.ParameterCount];

    internal ArraySegment<float> Scratch { get; }

    /// <summary>What layer <paramref name="layer"/> keeps from one forward pass to the next (<see cref="Layers.Layer.CacheSize"/>); its own, unlike <see cref="Scratch"/>.</summary>
    internal Span<float> LayerCache(int layer) => _caches.AsSpan(_cacheOffsets[layer], _cacheOffsets[layer + 1] - _cacheOffsets[layer]);

    internal Span<float> CurvatureScratch => _curvatureScratch ??= new float[Network.Layers.Max(l => l.CurvatureScratchSize(Capacity))];

    internal Span<float> LayerParameterCurvature(int layer) => ParameterCurvature.Slice(Network.ParameterOffset(layer), Network.Layers[layer].ParameterCount);

    internal Span<float> Activation(int layer, int batch) => _activations.AsSpan(_offsets[layer], _sizes[layer] * batch);

    internal Span<float> Gradient(int layer, int batch) => _gradients.AsSpan(_offsets[layer], _sizes[layer] * batch);

    internal Span<float> InputGradientBuffer(int batch) => _inputGradients.AsSpan(0, batch * LeNet5Network.InputSize);

    internal Span<float> LayerParameterGradients(int layer) => _parameterGradients.AsSpan(Network.ParameterOffset(layer), Network.Layers[layer].ParameterCount);
}
