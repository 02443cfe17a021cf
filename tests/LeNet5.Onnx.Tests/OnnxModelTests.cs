using System.Buffers.Binary;
using System.Reflection;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Serialization;
using Microsoft.ML.OnnxRuntime;

namespace LeNet5.Onnx.Tests;

/// <summary>What the exported file declares: metadata, opset and IR version, types and shapes, doc strings, and the weights as stored.</summary>
public sealed class OnnxModelTests : IDisposable
{
    // onnx.proto field numbers, written out again here rather than taken from the exporter.
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8, ModelMetadataProps = 14;
    private const int GraphNode = 1, GraphInitializer = 5, GraphDocString = 10, GraphInput = 11, GraphOutput = 12;
    private const int NodeName = 3, NodeOpType = 4, NodeDocString = 6;
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;

    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Variants() => new(TestModels.Variants.Keys);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Metadata_RoundTripsThroughOnnxRuntime(string variant)
    {
        LeNet5Network network = TestModels.Seeded(variant);
        NetworkDefinition definition = network.Definition;
        using var session = new InferenceSession(OnnxExporter.Export(network));
        ModelMetadata metadata = session.ModelMetadata;

        var expected = OnnxExporter.Metadata(definition).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), metadata.CustomMetadataMap.OrderBy(p => p.Key, StringComparer.Ordinal));
        bool classic = definition.Architecture == Architecture.Classic;
        Assert.Equal(classic ? "Classic" : "Modern", metadata.CustomMetadataMap["architecture"]);
        Assert.Equal(classic ? "ScaledTanh" : definition.Activation.ToString(), metadata.CustomMetadataMap["activation"]);
        Assert.Equal(classic ? "TrainableSubsampling" : definition.Pooling.ToString(), metadata.CustomMetadataMap["pooling"]);
        Assert.Equal("-0.1", metadata.CustomMetadataMap["normalisation.background"]);
        Assert.Equal("1.175", metadata.CustomMetadataMap["normalisation.ink"]);
        Assert.Equal("28x28 centred in 32x32", metadata.CustomMetadataMap["normalisation.layout"]);
        Assert.Contains("-0.1 + 1.275*p/255", metadata.CustomMetadataMap["normalisation"], StringComparison.Ordinal);
        Version library = typeof(LeNet5Network).Assembly.GetName().Version!;
        Assert.Equal(library.ToString(3), metadata.CustomMetadataMap["library_version"]);
        Assert.Equal("LeNet5.Onnx", metadata.ProducerName);
        Assert.Equal(classic ? "LeNet5-Classic" : $"LeNet5-Modern-{definition.Activation}-{definition.Pooling}", metadata.GraphName);
        Assert.Equal(1, metadata.Version);
        Assert.Contains("LeCun", metadata.Description, StringComparison.Ordinal);

        NodeMetadata image = session.InputMetadata[OnnxExporter.InputName];
        Assert.Equal([-1, 1, 32, 32], image.Dimensions);
        Assert.Equal("N", image.SymbolicDimensions[0]);
        Assert.Equal(typeof(float), image.ElementType);
        Assert.Equal([classic ? "rbf" : "logits", "probabilities"], session.OutputNames);
        foreach (string name in session.OutputNames)
        {
            Assert.Equal([-1, 10], session.OutputMetadata[name].Dimensions);
            Assert.Equal("N", session.OutputMetadata[name].SymbolicDimensions[0]);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TheFile_IsOpset21IR10_WithThePapersLayersNamed(string variant)
    {
        LeNet5Network network = TestModels.Seeded(variant);
        var model = new ProtoReader(OnnxExporter.Export(network));
        Assert.Equal(10, model.Int(ModelIrVersion));
        ProtoReader opset = model.Message(ModelOpsetImport);
        Assert.Equal("", opset.OptionalString(1) ?? "");
        Assert.Equal(21, opset.Int(2));
        Assert.Equal("LeNet5.Onnx", model.String(ModelProducerName));
        Assert.Contains("LeCun", model.String(ModelDocString), StringComparison.Ordinal);
        Assert.Equal(10, model.Messages(ModelMetadataProps).Count());

        ProtoReader graph = model.Message(ModelGraph);
        Assert.Contains("Section II-B", graph.String(GraphDocString), StringComparison.Ordinal);
        Assert.Single(graph.Messages(GraphInput));
        Assert.Equal(2, graph.Messages(GraphOutput).Count());
        var nodes = graph.Messages(GraphNode).ToList();
        foreach (ProtoReader node in nodes)
            Assert.False(string.IsNullOrWhiteSpace(node.String(NodeDocString)), $"node {node.String(NodeName)} has no doc string");
        string[] layers = ["C1", "S2", "C3", "S4", "C5", "F6", "Output"];
        foreach (string layer in layers)
            Assert.Contains(nodes, n => n.String(NodeName).StartsWith(layer + "/", StringComparison.Ordinal) && n.String(NodeDocString).StartsWith(layer + ":", StringComparison.Ordinal));
        Assert.All(nodes, n => Assert.Contains(n.String(NodeName).Split('/')[0], layers.Append("Probabilities")));

        var operators = nodes.Select(n => n.String(NodeOpType)).ToHashSet(StringComparer.Ordinal);
        if (network.Definition.Architecture == Architecture.Classic)
        {
            Assert.Equal(["Conv", "Flatten", "Gemm", "Mul", "Neg", "ReduceSum", "Softmax", "Sub", "Tanh", "Unsqueeze"], operators.Order(StringComparer.Ordinal));
            Assert.Contains(nodes, n => n.String(NodeDocString).Contains("Table I", StringComparison.Ordinal));
        }
        else
        {
            string activation = network.Definition.Activation == Activation.ReLU ? "Relu" : "Tanh";
            string pool = network.Definition.Pooling == Pooling.Max ? "MaxPool" : "AveragePool";
            Assert.Equal(new[] { "Conv", "Flatten", "Gemm", "Softmax", activation, pool }.Order(StringComparer.Ordinal), operators.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>The initializers hold the weights file's tensors: C3 dense with zeros outside Table I, S2/S4's coefficient in all four taps.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void TheInitializers_AreTheWeightsFilesTensors(string variant)
    {
        LeNet5Network network = TestModels.Trained(variant);
        string path = Path.Combine(_folder, $"{variant}.safetensors");
        ModelFile.Save(network, path);
        SafeTensorsDocument file = SafeTensorsFile.Read(path);
        var initializers = new ProtoReader(OnnxExporter.Export(network)).Message(ModelGraph).Messages(GraphInitializer)
            .ToDictionary(t => t.String(TensorName), StringComparer.Ordinal);

        foreach (SafeTensor tensor in file.Tensors)
        {
            bool subsampling = tensor.Name is "s2.weight" or "s4.weight";
            ProtoReader stored = initializers[subsampling ? tensor.Name.Replace(".weight", ".kernel", StringComparison.Ordinal) : tensor.Name];
            Assert.Equal(1, stored.Int(TensorDataType));
            float[] values = Floats(stored.Bytes(TensorRawData));
            float[] expected = tensor.Data.ToArray();
            if (subsampling)
            {
                Assert.Equal([tensor.Shape[0], 1, 2, 2], stored.Ints(TensorDims).Select(d => (int)d));
                expected = expected.SelectMany(c => Enumerable.Repeat(c, 4)).ToArray();
            }
            else
            {
                Assert.Equal(tensor.Shape, stored.Ints(TensorDims).Select(d => (int)d));
            }
            Assert.Equal(expected, values);
        }
        Assert.Equal(network.Definition.Architecture == Architecture.Classic ? 13 + 4 : 10, initializers.Count); // Classic adds the squash constants and two axes

        // Every one of the file's tensors is in the graph, and the internal reader agrees with the library's own file.
        var read = NetworkTensors.Read(network);
        Assert.Equal(file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (SafeTensor tensor in file.Tensors)
            Assert.Equal(tensor.Data.ToArray(), read[tensor.Name].Values);
    }

    [Fact]
    public void ClassicC3_IsZeroExactlyWhereTableIHasNoConnection()
    {
        float[] c3 = NetworkTensors.Read(TestModels.Trained("classic"))["c3.weight"].Values;
        ConnectionTable table = ConnectionTable.PaperC3;
        int zeros = 0;
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                ReadOnlySpan<float> kernel = c3.AsSpan(((o * 6) + i) * 25, 25);
                if (table.ConnectionIndex(o, i) < 0)
                {
                    Assert.False(kernel.ContainsAnyExcept(0f), $"C3 map {o} has weights from S2 map {i}");
                    zeros++;
                }
                else
                {
                    Assert.True(kernel.ContainsAnyExcept(0f), $"C3 map {o}'s kernel on S2 map {i} is all zero");
                }
            }
        }

        Assert.Equal(96 - 60, zeros);
    }

    [Fact]
    public void ExportToAPath_WritesTheSameBytesAtomicallyAndDeterministically()
    {
        LeNet5Network network = TestModels.Seeded("classic");
        string path = Path.Combine(_folder, "model.onnx");
        File.WriteAllText(path, "an older file");
        OnnxExporter.Export(network, path);
        byte[] bytes = OnnxExporter.Export(network);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(bytes, OnnxExporter.Export(TestModels.Seeded("classic")));
        Assert.Equal(["model.onnx"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        using var stream = new MemoryStream();
        OnnxExporter.Export(network, stream);
        Assert.Equal(bytes, stream.ToArray());
    }

    [Fact]
    public void ExportToAMissingFolder_ThrowsTheWritesOwnError()
    {
        string path = Path.Combine(_folder, "no", "model.onnx");
        Assert.Throws<DirectoryNotFoundException>(() => OnnxExporter.Export(TestModels.Seeded("classic"), path));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void ANetworkWithANaNParameter_IsRefused()
    {
        LeNet5Network network = TestModels.Seeded("modern-tanh-average");
        network.Parameters[7] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(network));
        Assert.Contains("Parameter 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVersion_IsTheLibrarys()
    {
        string? informational = typeof(LeNet5Network).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        Assert.NotNull(informational);
        Assert.Equal(informational.Split('+')[0], OnnxExporter.LibraryVersion);
    }

    private static float[] Floats(byte[] raw)
    {
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4));
        return values;
    }
}
