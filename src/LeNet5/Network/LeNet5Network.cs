using System.Runtime.CompilerServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Layers;
using LeNet5.Model;

namespace LeNet5.Network;

/// <summary>
/// A LeNet-5 network: its layers, one buffer of trainable parameters (every layer's parameters carved
/// from it in order), and for <see cref="Architecture.Classic"/> the fixed RBF prototypes. Inference does
/// not modify the network, so <see cref="Predict(NetworkWorkspace, ReadOnlySpan{float}, Span{int}, Span{float})"/> may run on many threads at once, each with its own
/// <see cref="NetworkWorkspace"/>.
/// </summary>
public sealed partial class LeNet5Network
{
    /// <summary>Input height and width: 28×28 digits are centred in a 32×32 field (Section II-B). The same constant as <see cref="Preprocessing.InputSide"/>.</summary>
    public const int InputSide = Preprocessing.InputSide;

    /// <summary>Floats per input image. The same constant as <see cref="Preprocessing.InputSize"/>.</summary>
    public const int InputSize = Preprocessing.InputSize;

    /// <summary>Number of classes (outputs per image). The same constant as <see cref="MnistDataset.ClassCount"/>.</summary>
    public const int Classes = MnistDataset.ClassCount;

    /// <summary>
    /// Default j of the MAP loss (eq. 9). The paper gives no value; j only has to be small next to the
    /// penalties of well-separated wrong classes (squared distances between prototypes are in the hundreds).
    /// </summary>
    public const double DefaultMapConstant = 1.0;

    private readonly Layer[] _layers;
    private readonly int[] _parameterOffsets;
    private readonly ArraySegment<float> _parameters;
    private readonly float[] _prototypes;
    private readonly ILossHead _loss;

    private LeNet5Network(NetworkDefinition definition, double mapConstant)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        Definition = definition;
        _prototypes = definition.Architecture == Architecture.Classic ? RbfPrototypes.Values.ToArray() : [];
        _layers = BuildLayers(definition, _prototypes);
        _loss = definition.Architecture == Architecture.Classic ? new MapLoss(mapConstant) : new SoftmaxCrossEntropyLoss();
        _parameterOffsets = new int[_layers.Length + 1];
        for (int l = 0; l < _layers.Length; l++)
            _parameterOffsets[l + 1] = _parameterOffsets[l] + _layers[l].ParameterCount;
        AlignedParameter = _parameterOffsets[Array.IndexOf(_layers, _layers.MaxBy(l => l.ParameterCount))];
        _parameters = AlignedArray.Allocate(_parameterOffsets[^1], AlignedParameter);
        ParameterLayout = _layers.SelectMany((layer, l) => layer.Tensors.Select(t => t with { Offset = _parameterOffsets[l] + t.Offset })).ToArray();
        Summary = new ModelSummary(definition, _layers.Select(l => l.Summary).ToArray());
    }

    /// <summary>Builds a network with the paper's initialisation (uniform in ±2.4/fan-in, Appendix A), seeded.</summary>
    /// <param name="definition">Which network; null for the paper's Classic one.</param>
    /// <param name="seed">Seed of the initialisation: the same seed gives the same parameters, bit for bit.</param>
    /// <param name="mapConstant">The constant j of the Classic network's MAP loss (eq. 9).</param>
    public static LeNet5Network Create(NetworkDefinition? definition = null, int seed = 0, double mapConstant = DefaultMapConstant)
    {
        var network = new LeNet5Network(definition ?? NetworkDefinition.Classic, mapConstant);
        var random = new SeededRandom(seed);
        for (int l = 0; l < network._layers.Length; l++)
            network._layers[l].Initialize(network.LayerParameters(l), random);
        return network;
    }

    /// <summary>A network whose parameters are all zero, to be filled by a loader.</summary>
    internal static LeNet5Network CreateEmpty(NetworkDefinition definition, double mapConstant = DefaultMapConstant) => new(definition, mapConstant);

    /// <summary>The architecture, activation and pooling this network was built with.</summary>
    public NetworkDefinition Definition { get; }

    /// <summary>The per-layer table derived from the layers.</summary>
    public ModelSummary Summary { get; }

    /// <summary>All trainable parameters, layer by layer, each layer's in the order of its tensors.</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>Number of trainable parameters.</summary>
    public int ParameterCount => _parameters.Count;

    /// <summary>
    /// The index of <see cref="Parameters"/> that starts a cache line: the first weight of the layer with the most (C5), whose
    /// rows (400 floats, 25 lines) then all start lines too. Every buffer laid out as the parameters (gradients, rates,
    /// moments) is placed the same way (<see cref="AlignedArray"/>).
    /// </summary>
    internal int AlignedParameter { get; }

    /// <summary>The RBF prototypes, [10, 84] (Classic; empty for Modern). Fixed during training; replaced when a model is loaded.</summary>
    public Span<float> Prototypes => _prototypes;

    internal IReadOnlyList<Layer> Layers => _layers;

    /// <summary>
    /// Every named tensor of <see cref="Parameters"/> in file order, with its offset in it, its file shape and, for a
    /// partial table, the table: the one layout every reader and writer of weights uses.
    /// </summary>
    internal IReadOnlyList<ParameterTensor> ParameterLayout { get; }

    internal ILossHead LossHead => _loss;

    internal Span<float> LayerParameters(int layer) => _parameters.AsSpan(_parameterOffsets[layer], _layers[layer].ParameterCount);

    internal int ParameterOffset(int layer) => _parameterOffsets[layer];

    /// <summary>Buffers for batches of up to <paramref name="batchCapacity"/> images; one per thread.</summary>
    public NetworkWorkspace CreateWorkspace(int batchCapacity = 1) => new(this, batchCapacity);

    /// <summary>
    /// Runs a batch forward. <paramref name="inputs"/> holds whole 32×32 images (normalised as <see cref="Data.Preprocessing"/> says, Section II-B);
    /// the result is the workspace's outputs for them: RBF penalties (Classic) or logits (Modern), 10 per image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<float> Forward(NetworkWorkspace workspace, ReadOnlySpan<float> inputs)
    {
        int batch = CheckBatch(workspace, inputs);
        for (int l = 0; l < _layers.Length; l++)
        {
            ReadOnlySpan<float> input = l == 0 ? inputs : workspace.Activation(l - 1, batch);
            _layers[l].Forward(LayerParameters(l), input, workspace.Activation(l, batch), batch, workspace.Scratch, workspace.LayerCache(l));
        }
        return workspace.Activation(_layers.Length - 1, batch);
    }

    /// <summary>
    /// Classifies a batch: the smallest RBF penalty (Classic) or the largest logit (Modern). Writes one
    /// class per image, and the 10 scores per image into <paramref name="scores"/> unless it is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(NetworkWorkspace workspace, ReadOnlySpan<float> inputs, Span<int> predictions, Span<float> scores = default)
    {
        ReadOnlySpan<float> outputs = Forward(workspace, inputs);
        int batch = inputs.Length / InputSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(predictions.Length, batch, nameof(predictions));
        if (!scores.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(scores.Length, outputs.Length, nameof(scores));
            outputs.CopyTo(scores);
        }
        for (int b = 0; b < batch; b++)
            predictions[b] = _loss.Predict(outputs.Slice(b * Classes, Classes));
    }

    /// <summary>
    /// Forward and backward over a batch: returns the summed loss (MAP for Classic, cross-entropy for
    /// Modern) and leaves d(summed loss)/d(parameters) in <see cref="NetworkWorkspace.ParameterGradients"/>
    /// (overwritten), and, when asked, d(summed loss)/d(inputs) in <see cref="NetworkWorkspace.InputGradients"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float ComputeGradients(NetworkWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, bool computeInputGradients = false)
    {
        int batch = CheckBatch(workspace, inputs);
        CheckLabels(labels, batch);

        ReadOnlySpan<float> outputs = Forward(workspace, inputs);
        int last = _layers.Length - 1;
        Span<float> outputGradient = workspace.Gradient(last, batch);
        double loss = 0;
        for (int b = 0; b < batch; b++)
            loss += _loss.Loss(outputs.Slice(b * Classes, Classes), labels[b], outputGradient.Slice(b * Classes, Classes));

        // Each layer writes its share of the parameter gradients (BackwardInto): nothing is cleared first.
        for (int l = last; l >= 0; l--)
        {
            Span<float> inputGradient = l > 0 ? workspace.Gradient(l - 1, batch)
                : computeInputGradients ? workspace.InputGradientBuffer(batch) : default;
            ReadOnlySpan<float> input = l == 0 ? inputs : workspace.Activation(l - 1, batch);
            _layers[l].BackwardInto(LayerParameters(l), input, workspace.Activation(l, batch), workspace.Gradient(l, batch),
                inputGradient, workspace.LayerParameterGradients(l), batch, workspace.Scratch);
        }
        return (float)loss;
    }

    /// <summary>
    /// One image's <see cref="ComputeGradients(NetworkWorkspace, ReadOnlySpan{float}, ReadOnlySpan{int}, bool)"/> and stochastic diagonal Levenberg-Marquardt step, p ← p − η·g·r with
    /// <paramref name="rates"/> r = 1/(µ + h_kk) per parameter: the dense layers (C5, F6, the Modern output) step their
    /// parameters in their backward pass (<see cref="Layer.BackwardAndDiagonalStep"/>), so that their gradients, 58,000 of
    /// the Classic network's 60,000, are never stored and re-read; the others store theirs and step once their backward pass is done. The
    /// same bits as the two passes. Returns the loss; where it is not finite nothing is changed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal float ComputeGradientsAndDiagonalStep(NetworkWorkspace workspace, ReadOnlySpan<float> input, int label, ReadOnlySpan<float> rates, float learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(input.Length, InputSize, nameof(input));
        ArgumentOutOfRangeException.ThrowIfNotEqual(rates.Length, ParameterCount, nameof(rates));
        CheckBatch(workspace, input);
        CheckLabels(new ReadOnlySpan<int>(in label), 1);
        ReadOnlySpan<float> outputs = Forward(workspace, input);
        int last = _layers.Length - 1;
        float loss = _loss.Loss(outputs[..Classes], label, workspace.Gradient(last, 1)[..Classes]);
        if (!float.IsFinite(loss))
            return loss;
        for (int l = last; l >= 0; l--)
        {
            Span<float> inputGradient = l > 0 ? workspace.Gradient(l - 1, 1) : default;
            ReadOnlySpan<float> layerInput = l == 0 ? input : workspace.Activation(l - 1, 1);
            ReadOnlySpan<float> layerRates = rates.Slice(_parameterOffsets[l], _layers[l].ParameterCount);
            if (_layers[l].BackwardAndDiagonalStep(LayerParameters(l), layerInput, workspace.Activation(l, 1), workspace.Gradient(l, 1), inputGradient,
                layerRates, learningRate))
            {
                continue;
            }
            // Stepped as soon as its input gradient is out: no layer below reads these parameters.
            _layers[l].BackwardInto(LayerParameters(l), layerInput, workspace.Activation(l, 1), workspace.Gradient(l, 1), inputGradient,
                workspace.LayerParameterGradients(l), 1, workspace.Scratch);
            if (_layers[l].ParameterCount > 0)
                OptimizerKernels.DiagonalStep(LayerParameters(l), workspace.LayerParameterGradients(l), layerRates, learningRate);
        }
        return loss;
    }

    /// <summary>
    /// Adds, for each parameter, the Gauss-Newton estimate of d²E/dw² summed over the batch (paper,
    /// Appendix C) into <see cref="NetworkWorkspace.ParameterCurvature"/>; the caller clears it and divides by
    /// the number of patterns to get the average the stochastic diagonal Levenberg-Marquardt step uses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AccumulateCurvature(NetworkWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        int batch = CheckBatch(workspace, inputs);
        CheckLabels(labels, batch);
        ReadOnlySpan<float> outputs = Forward(workspace, inputs);
        int last = _layers.Length - 1;
        Span<float> curvature = workspace.Gradient(last, batch);
        for (int b = 0; b < batch; b++)
            _loss.Curvature(outputs.Slice(b * Classes, Classes), labels[b], curvature.Slice(b * Classes, Classes));
        Span<float> scratch = workspace.CurvatureScratch;
        for (int l = last; l >= 0; l--)
        {
            Span<float> inputCurvature = l > 0 ? workspace.Gradient(l - 1, batch) : default;
            ReadOnlySpan<float> input = l == 0 ? inputs : workspace.Activation(l - 1, batch);
            _layers[l].BackwardCurvature(LayerParameters(l), input, workspace.Activation(l, batch), workspace.Gradient(l, batch),
                inputCurvature, workspace.LayerParameterCurvature(l), batch, scratch);
        }
    }

    private int CheckBatch(NetworkWorkspace workspace, ReadOnlySpan<float> inputs)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Network, this))
            throw new ArgumentException("The workspace was created by another network.", nameof(workspace));
        if (inputs.Length == 0 || inputs.Length % InputSize != 0)
            throw new ArgumentException($"Inputs must be whole 32×32 images ({InputSize} floats each); got {inputs.Length} floats.", nameof(inputs));
        int batch = inputs.Length / InputSize;
        if (batch > workspace.Capacity)
            throw new ArgumentException($"The batch has {batch} images; the workspace holds at most {workspace.Capacity}.", nameof(inputs));
        return batch;
    }

    private static void CheckLabels(ReadOnlySpan<int> labels, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(labels.Length, batch, nameof(labels));
        for (int b = 0; b < batch; b++)
        {
            if ((uint)labels[b] >= Classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[b], $"Label {b} is {labels[b]}; labels must be 0–{Classes - 1}.");
        }
    }

    /// <summary>
    /// C1 → S2 → C3 → S4 → C5 → F6 → Output (Section II-B). The two architectures differ only in the subsampling
    /// layers (trainable in Classic, parameter-free pooling in Modern), C3's table (Table I, or full), the activation
    /// (Classic: always the scaled tanh) and the output (RBF units over fixed prototypes, or a dense 84→10 layer).
    /// Shapes per image are (maps, height, width).
    /// </summary>
    private static Layer[] BuildLayers(NetworkDefinition definition, float[] prototypes)
    {
        const int KernelSize = 5;
        bool classic = definition.Architecture == Architecture.Classic;
        Activation activation = definition.Activation;
        var input = new TensorShape(1, InputSide, InputSide);                                                        // (1, 32, 32)
        var c1 = new ConvolutionLayer("C1", input, KernelSize, ConnectionTable.Full(1, 6), activation);              // (6, 28, 28)
        Layer s2 = Subsampling("S2", c1.OutputShape);                                                                // (6, 14, 14)
        var c3 = new ConvolutionLayer("C3", s2.OutputShape, KernelSize,
            classic ? ConnectionTable.PaperC3 : ConnectionTable.Full(6, 16), activation);                            // (16, 10, 10)
        Layer s4 = Subsampling("S4", c3.OutputShape);                                                                // (16, 5, 5)
        var c5 = new ConvolutionLayer("C5", s4.OutputShape, KernelSize, ConnectionTable.Full(16, 120), activation);  // (120, 1, 1)
        var f6 = new FullyConnectedLayer("F6", c5.OutputShape.Size, 84, activation);                                 // (84)
        Layer output = classic
            ? new RbfOutputLayer("Output", prototypes, f6.OutputShape.Size, Classes)                                 // (10) penalties
            : new FullyConnectedLayer("Output", f6.OutputShape.Size, Classes, activation: null);                     // (10) logits
        return [c1, s2, c3, s4, c5, f6, output];

        Layer Subsampling(string name, TensorShape shape) => classic
            ? new SubsamplingLayer(name, shape)
            : new PoolingLayer(name, shape, definition.Pooling);
    }
}
