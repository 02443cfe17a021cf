using System.Globalization;
using System.Reflection;
using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Onnx;

/// <summary>
/// Exports a <see cref="LeNet5Network"/> to ONNX: one graph computing exactly the network's outputs, for Classic and for
/// every Modern variant (tanh or ReLU, average or max pooling), with the input <c>image</c> [N,1,32,32] float32 (N the
/// dynamic batch dimension), normalised as the library does (<see cref="Preprocessing"/>). Classic's outputs are <c>rbf</c>
/// [N,10], the RBF penalties y_i = Σ_j (x_j − w_ij)² (smallest = predicted), and <c>probabilities</c> = softmax(−y);
/// Modern's are <c>logits</c> [N,10] and <c>probabilities</c> = softmax(logits).
/// </summary>
/// <remarks>
/// The file targets opset <see cref="OpsetVersion"/> 21 with IR version <see cref="IrVersion"/> 10 (ONNX 1.16): every
/// operator the graph uses (Conv, Tanh, Relu, Mul, AveragePool, MaxPool, Flatten, Gemm, Unsqueeze, Sub, ReduceSum, Neg,
/// Softmax) is in it, and it is the newest opset that ONNX Runtime 1.18 (May 2024) and every later release, and the
/// runtimes built on them (Triton's ONNX Runtime backend, onnxruntime-web), read. A newer opset would change nothing
/// these operators compute and would only shut out older runtimes.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph imports (the default domain, ai.onnx).</summary>
    public const int OpsetVersion = 21;

    /// <summary>The ONNX IR version the file declares: 10, the one that goes with opset 21 (ONNX 1.16).</summary>
    public const int IrVersion = 10;

    /// <summary>The graph's input: [N,1,32,32] float32, normalised images.</summary>
    public const string InputName = "image";

    /// <summary>Classic's first output: the ten RBF penalties [N,10]; the smallest is the predicted digit.</summary>
    public const string RbfOutputName = "rbf";

    /// <summary>Modern's first output: the ten logits [N,10]; the largest is the predicted digit.</summary>
    public const string LogitsOutputName = "logits";

    /// <summary>The second output: the ten probabilities [N,10], softmax(−rbf) (Classic) or softmax(logits) (Modern).</summary>
    public const string ProbabilitiesOutputName = "probabilities";

    private const string Producer = "LeNet5.Onnx";
    private const string Paper = "LeCun, Bottou, Bengio and Haffner (1998), Gradient-Based Learning Applied to Document Recognition";

    /// <summary>The name of the first output for an architecture: <c>rbf</c> (Classic) or <c>logits</c> (Modern).</summary>
    /// <param name="architecture">The network's architecture.</param>
    /// <returns>The output's name.</returns>
    public static string ScoresOutputName(Architecture architecture) => architecture == Architecture.Classic ? RbfOutputName : LogitsOutputName;

    /// <summary>The version of the LeNet5 library, without any source revision suffix.</summary>
    public static string LibraryVersion { get; } = ReadLibraryVersion();

    /// <summary>The ONNX model (a serialised ModelProto) of the network.</summary>
    /// <param name="network">The network to export; it is only read.</param>
    /// <returns>The bytes of the .onnx file.</returns>
    /// <exception cref="ArgumentException">A parameter of the network is NaN or infinite.</exception>
    public static byte[] Export(LeNet5Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkDefinition definition = network.Definition;
        definition.Validate();
        var tensors = NetworkTensors.Read(network);
        var graph = new OnnxGraph();
        string name = GraphName(definition);
        string doc = definition.Architecture == Architecture.Classic ? BuildClassic(graph, tensors) : BuildModern(graph, tensors, definition);

        var model = new ProtoMessage()
            .Int64(OnnxFields.Model.IrVersion, IrVersion)
            .String(OnnxFields.Model.ProducerName, Producer)
            .String(OnnxFields.Model.ProducerVersion, LibraryVersion)
            .String(OnnxFields.Model.Domain, "lenet5")
            .Int64(OnnxFields.Model.ModelVersion, 1)
            .String(OnnxFields.Model.DocString, $"{name}: LeNet-5 of {Paper}, exported by the LeNet5 library {LibraryVersion}. {doc}")
            .Message(OnnxFields.Model.Graph, graph.ToProto(name, doc))
            .Message(OnnxFields.Model.OpsetImport, new ProtoMessage().String(OnnxFields.OperatorSetId.Domain, "").Int64(OnnxFields.OperatorSetId.Version, OpsetVersion));
        foreach (var (key, value) in Metadata(definition))
            model.Message(OnnxFields.Model.MetadataProps, new ProtoMessage().String(OnnxFields.StringStringEntry.Key, key).String(OnnxFields.StringStringEntry.Value, value));
        return model.ToArray();
    }

    /// <summary>Writes the ONNX model of the network to a stream.</summary>
    /// <param name="network">The network to export.</param>
    /// <param name="destination">Where the bytes go; left open.</param>
    public static void Export(LeNet5Network network, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Export(network));
    }

    /// <summary>
    /// Writes the ONNX model of the network to <paramref name="path"/>, under a temporary name beside it first and then
    /// renamed over the target, so a failed export leaves any existing file as it was.
    /// </summary>
    /// <param name="network">The network to export.</param>
    /// <param name="path">The .onnx file to write.</param>
    public static void Export(LeNet5Network network, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Export(network);
        string temporary = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // The export's own error is the one to report, not a failure to clean up after it.
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            throw;
        }
    }

    /// <summary>The metadata_props of the exported model for a network definition.</summary>
    /// <param name="definition">The network's architecture, activation and pooling.</param>
    /// <returns>Key and value pairs, keys from <see cref="OnnxMetadata"/>.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(NetworkDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        bool classic = definition.Architecture == Architecture.Classic;
        var c = CultureInfo.InvariantCulture;
        return
        [
            new(OnnxMetadata.Architecture, definition.Architecture.ToString()),
            new(OnnxMetadata.Activation, classic ? nameof(Activation.ScaledTanh) : definition.Activation.ToString()),
            new(OnnxMetadata.Pooling, classic ? "TrainableSubsampling" : definition.Pooling.ToString()),
            new(OnnxMetadata.Normalisation,
                "A 28x28 digit (MNIST: 0 background, 255 full ink) centred in a 32x32 field; pixel p in [0, 255] becomes -0.1 + 1.275*p/255, "
                + "so the background and the 2-pixel border are -0.1 and full ink is 1.175 (Section II-B). Input image: [N,1,32,32] float32, row by row."),
            new(OnnxMetadata.Background, Preprocessing.Background.ToString(c)),
            new(OnnxMetadata.Ink, Preprocessing.Normalize(255).ToString(c)),
            new(OnnxMetadata.Layout, $"{Preprocessing.MnistSide}x{Preprocessing.MnistSide} centred in {Preprocessing.InputSide}x{Preprocessing.InputSide}"),
            new(OnnxMetadata.LibraryVersion, LibraryVersion),
            new(OnnxMetadata.Outputs, $"{ScoresOutputName(definition.Architecture)},{ProbabilitiesOutputName}"),
            new(OnnxMetadata.Prediction, classic ? "the digit with the smallest rbf penalty (the largest probability)" : "the digit with the largest logit (the largest probability)"),
        ];
    }

    private static string GraphName(NetworkDefinition definition) => definition.Architecture == Architecture.Classic
        ? "LeNet5-Classic"
        : $"LeNet5-Modern-{definition.Activation}-{definition.Pooling}";

    /// <summary>The paper's network (Section II-B): C1, S2, C3 (Table I), S4, C5, F6, squashed; the Euclidean RBF output.</summary>
    private static string BuildClassic(OnnxGraph graph, IReadOnlyDictionary<string, NamedTensor> tensors)
    {
        string x = ImageInput(graph);
        graph.Initializer("squash.slope", [], [ActivationConstants.Slope], "S = 2/3 of the paper's squash f(a) = A·tanh(S·a) (Appendix A)");
        graph.Initializer("squash.amplitude", [], [ActivationConstants.Amplitude], "A = 1.7159 of the paper's squash f(a) = A·tanh(S·a) (Appendix A)");

        x = Convolution(graph, tensors, "C1", x, "C1: convolution, 6 feature maps of 28x28, 5x5 kernels on the 32x32 input (Section II-B)");
        x = Squash(graph, "C1", x);
        x = Subsampling(graph, tensors, "S2", x, 6, "S2: trainable subsampling to 6 maps of 14x14: each unit sums its 2x2 window, times the map's coefficient, plus the map's bias");
        x = Squash(graph, "S2", x);
        x = Convolution(graph, tensors, "C3", x,
            "C3: convolution, 16 maps of 10x10, 5x5 kernels, connected to the S2 maps of the paper's Table I; the dense [16,6,5,5] kernel is zero where Table I has no X");
        x = Squash(graph, "C3", x);
        x = Subsampling(graph, tensors, "S4", x, 16, "S4: trainable subsampling to 16 maps of 5x5 (2x2 sum × coefficient + bias)");
        x = Squash(graph, "S4", x);
        x = Convolution(graph, tensors, "C5", x, "C5: convolution, 120 maps of 1x1, 5x5 kernels on all 16 S4 maps");
        x = Squash(graph, "C5", x);
        x = graph.Node("Flatten", "C5/flatten", "C5's 120 1x1 maps as a vector [N,120]", [x], "c5.flat", new OnnxAttribute("axis", Int: 1));
        x = Dense(graph, tensors, "F6", x, "F6: fully connected, 84 units on C5's 120");
        x = Squash(graph, "F6", x);

        string prototypes = Parameter(graph, tensors, "output.prototypes",
            "The RBF output's fixed parameters: the 7x12 bitmap of each digit, +1 or -1 per pixel, one row of 84 per class (Section II-B, Fig. 3)");
        string axes1 = graph.Initializer("output.unsqueeze_axes", [1], [1L], "axes = [1]");
        string axes2 = graph.Initializer("output.reduce_axes", [1], [2L], "axes = [2]");
        x = graph.Node("Unsqueeze", "Output/unsqueeze", "F6's output as [N,1,84], to broadcast against the [10,84] prototypes", [x, axes1], "output.f6");
        x = graph.Node("Sub", "Output/difference", "x_j − w_ij for every class i: [N,10,84]", [x, prototypes], "output.difference");
        x = graph.Node("Mul", "Output/square", "(x_j − w_ij)²", [x, x], "output.squared");
        string rbf = graph.Node("ReduceSum", "Output/rbf",
            "Output: the Euclidean RBF units y_i = Σ_j (x_j − w_ij)² (eq. 7), [N,10]; the smallest penalty is the predicted digit",
            [x, axes2], RbfOutputName, new OnnxAttribute("keepdims", Int: 0));
        string negated = graph.Node("Neg", "Probabilities/negate", "−y", [rbf], "output.negated");
        graph.Node("Softmax", "Probabilities/softmax", "softmax(−y): p_i = e^(−y_i) / Σ_k e^(−y_k), the posterior the MAP criterion (eq. 9) trains, without its rubbish-class term",
            [negated], ProbabilitiesOutputName, new OnnxAttribute("axis", Int: 1));

        graph.Output(RbfOutputName, "The RBF penalties y_i = Σ_j (x_j − w_ij)² of the ten digits; the smallest is the prediction", null, LeNet5Network.Classes);
        graph.Output(ProbabilitiesOutputName, "softmax(−rbf): the probabilities of the ten digits", null, LeNet5Network.Classes);
        return $"Classic LeNet-5 as {Paper} describe it (Section II-B): C1, S2, C3 (Table I), S4, C5, F6 with the squash 1.7159·tanh(2a/3), "
            + "then the Euclidean RBF output over fixed 7x12 digit bitmaps. Outputs: rbf [N,10] (smallest = predicted) and probabilities = softmax(−rbf).";
    }

    /// <summary>The Modern variant: parameter-free pooling, full C3, tanh or ReLU, a dense 84→10 output.</summary>
    private static string BuildModern(OnnxGraph graph, IReadOnlyDictionary<string, NamedTensor> tensors, NetworkDefinition definition)
    {
        string x = ImageInput(graph);
        string activation = definition.Activation == Activation.ReLU ? "Relu" : "Tanh";
        string Activate(string layer, string input) =>
            graph.Node(activation, $"{layer}/{activation.ToLowerInvariant()}", $"{layer}: {activation.ToLowerInvariant()}", [input], layer.ToLowerInvariant());
        string Pool(string layer, string input, int maps, int side)
        {
            string op = definition.Pooling == Pooling.Max ? "MaxPool" : "AveragePool";
            return graph.Node(op, $"{layer}/{op.ToLowerInvariant()}",
                $"{layer}: {(definition.Pooling == Pooling.Max ? "maximum" : "mean")} of each 2x2 window, to {maps} maps of {side}x{side}",
                [input], layer.ToLowerInvariant(), new OnnxAttribute("kernel_shape", Ints: [2, 2]), new OnnxAttribute("strides", Ints: [2, 2]));
        }

        x = Activate("C1", Convolution(graph, tensors, "C1", x, "C1: convolution, 6 feature maps of 28x28, 5x5 kernels on the 32x32 input"));
        x = Pool("S2", x, 6, 14);
        x = Activate("C3", Convolution(graph, tensors, "C3", x, "C3: convolution, 16 maps of 10x10, 5x5 kernels on all 6 S2 maps (full, not Table I)"));
        x = Pool("S4", x, 16, 5);
        x = Activate("C5", Convolution(graph, tensors, "C5", x, "C5: convolution, 120 maps of 1x1, 5x5 kernels on all 16 S4 maps"));
        x = graph.Node("Flatten", "C5/flatten", "C5's 120 1x1 maps as a vector [N,120]", [x], "c5.flat", new OnnxAttribute("axis", Int: 1));
        x = Activate("F6", Dense(graph, tensors, "F6", x, "F6: fully connected, 84 units on C5's 120"));
        string logits = Dense(graph, tensors, "Output", x, "Output: fully connected, 10 logits on F6's 84 (no activation); the largest is the predicted digit", LogitsOutputName);
        graph.Node("Softmax", "Probabilities/softmax", "softmax(logits), the distribution the cross-entropy trains", [logits], ProbabilitiesOutputName, new OnnxAttribute("axis", Int: 1));

        graph.Output(LogitsOutputName, "The logits of the ten digits; the largest is the prediction", null, LeNet5Network.Classes);
        graph.Output(ProbabilitiesOutputName, "softmax(logits): the probabilities of the ten digits", null, LeNet5Network.Classes);
        return $"Modern LeNet-5 ({definition.Activation}, {definition.Pooling} pooling): C1, S2, C3, S4, C5, F6 as in {Paper}, Section II-B, but with parameter-free "
            + "pooling, a fully connected C3 and a dense 84→10 output trained with softmax cross-entropy. Outputs: logits [N,10] and probabilities = softmax(logits).";
    }

    private static string ImageInput(OnnxGraph graph) => graph.Input(InputName,
        "Normalised digits, [N,1,32,32] float32: a 28x28 digit centred in the 32x32 field, background and border -0.1, full ink 1.175 (-0.1 + 1.275·p/255)",
        null, 1, Preprocessing.InputSide, Preprocessing.InputSide);

    private static string Parameter(OnnxGraph graph, IReadOnlyDictionary<string, NamedTensor> tensors, string name, string doc)
    {
        NamedTensor tensor = tensors[name];
        return graph.Initializer(name, tensor.Shape, tensor.Values, doc);
    }

    private static string Convolution(OnnxGraph graph, IReadOnlyDictionary<string, NamedTensor> tensors, string layer, string input, string doc)
    {
        string prefix = layer.ToLowerInvariant();
        string weight = Parameter(graph, tensors, $"{prefix}.weight", $"{layer}'s kernels [out, in, 5, 5]");
        string bias = Parameter(graph, tensors, $"{prefix}.bias", $"{layer}'s biases, one per output map");
        return graph.Node("Conv", $"{layer}/conv", doc, [input, weight, bias], $"{prefix}.sum",
            new OnnxAttribute("kernel_shape", Ints: [5, 5]), new OnnxAttribute("strides", Ints: [1, 1]));
    }

    /// <summary>
    /// The paper's subsampling as a depthwise 2x2 stride-2 convolution: each map's kernel holds its coefficient in all four
    /// taps, so the unit is coefficient·(sum of its window) + bias, and the squash follows.
    /// </summary>
    private static string Subsampling(OnnxGraph graph, IReadOnlyDictionary<string, NamedTensor> tensors, string layer, string input, int maps, string doc)
    {
        string prefix = layer.ToLowerInvariant();
        float[] coefficients = tensors[$"{prefix}.weight"].Values;
        var kernel = new float[maps * 4];
        for (int m = 0; m < maps; m++)
            kernel.AsSpan(m * 4, 4).Fill(coefficients[m]);
        string weight = graph.Initializer($"{prefix}.kernel", [maps, 1, 2, 2], kernel, $"{layer}'s trainable coefficients ({prefix}.weight), one per map, in each tap of its 2x2 kernel");
        string bias = Parameter(graph, tensors, $"{prefix}.bias", $"{layer}'s trainable biases, one per map");
        return graph.Node("Conv", $"{layer}/subsample", doc, [input, weight, bias], $"{prefix}.sum",
            new OnnxAttribute("kernel_shape", Ints: [2, 2]), new OnnxAttribute("strides", Ints: [2, 2]), new OnnxAttribute("group", Int: maps));
    }

    private static string Dense(OnnxGraph graph, IReadOnlyDictionary<string, NamedTensor> tensors, string layer, string input, string doc, string? output = null)
    {
        string prefix = layer.ToLowerInvariant();
        string weight = Parameter(graph, tensors, $"{prefix}.weight", $"{layer}'s weights [out, in]");
        string bias = Parameter(graph, tensors, $"{prefix}.bias", $"{layer}'s biases");
        return graph.Node("Gemm", $"{layer}/gemm", doc, [input, weight, bias], output ?? $"{prefix}.sum", new OnnxAttribute("transB", Int: 1));
    }

    /// <summary>The paper's squash f(a) = 1.7159·tanh(2a/3) as Mul, Tanh, Mul.</summary>
    private static string Squash(OnnxGraph graph, string layer, string input)
    {
        string prefix = layer.ToLowerInvariant();
        string scaled = graph.Node("Mul", $"{layer}/squash/slope", $"{layer}: S·a, S = 2/3", [input, "squash.slope"], $"{prefix}.scaled");
        string tanh = graph.Node("Tanh", $"{layer}/squash/tanh", $"{layer}: tanh(S·a)", [scaled], $"{prefix}.tanh");
        return graph.Node("Mul", $"{layer}/squash/amplitude", $"{layer}: the squash f(a) = 1.7159·tanh(2a/3) (Appendix A)", [tanh, "squash.amplitude"], prefix);
    }

    private static string ReadLibraryVersion()
    {
        Assembly library = typeof(LeNet5Network).Assembly;
        string? version = library.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? library.GetName().Version?.ToString(3);
        return version is null ? "unknown" : version.Split('+')[0];
    }

    /// <summary>The squash's constants, as the library's float kernels use them.</summary>
    private static class ActivationConstants
    {
        public const float Amplitude = 1.7159f;
        public const float Slope = 2f / 3f;
    }
}
