using System.Buffers.Binary;
using System.Globalization;

namespace LeNet5.Onnx;

/// <summary>An attribute of a node: an int, a float or a list of ints (all the exporter needs).</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null)
{
    public ProtoMessage ToProto()
    {
        var proto = new ProtoMessage().String(OnnxFields.Attribute.Name, Name);
        if (Int is long i)
            return proto.Int64(OnnxFields.Attribute.I, i).Int64(OnnxFields.Attribute.Type, OnnxFields.Attribute.TypeInt);
        if (Float is float f)
            return proto.Float(OnnxFields.Attribute.F, f).Int64(OnnxFields.Attribute.Type, OnnxFields.Attribute.TypeFloat);
        return proto.Int64s(OnnxFields.Attribute.Ints, Ints ?? []).Int64(OnnxFields.Attribute.Type, OnnxFields.Attribute.TypeInts);
    }
}

/// <summary>
/// A GraphProto under construction: initializers (the weights, as float32 raw little-endian data), nodes in topological
/// order, and the typed inputs and outputs, each with a doc string. Every name is checked to be new.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The symbolic batch dimension of the input and outputs.</summary>
    public const string BatchDimension = "N";

    private readonly List<ProtoMessage> _nodes = [];
    private readonly List<ProtoMessage> _initializers = [];
    private readonly List<ProtoMessage> _inputs = [];
    private readonly List<ProtoMessage> _outputs = [];
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public string Initializer(string name, ReadOnlySpan<int> dims, ReadOnlySpan<float> values, string doc)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        return AddInitializer(name, dims, OnnxFields.Tensor.Float, raw, doc, values.Length);
    }

    public string Initializer(string name, ReadOnlySpan<int> dims, ReadOnlySpan<long> values, string doc)
    {
        var raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        return AddInitializer(name, dims, OnnxFields.Tensor.Int64, raw, doc, values.Length);
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string name, string doc, string[] inputs, string output, params OnnxAttribute[] attributes)
    {
        foreach (string input in inputs)
        {
            if (!_values.Contains(input))
                throw new InvalidOperationException($"Node {name} reads {input}, which nothing defines before it.");
        }

        if (!_nodeNames.Add(name))
            throw new InvalidOperationException($"Two nodes are named {name}.");
        Define(output);
        var node = new ProtoMessage();
        foreach (string input in inputs)
            node.String(OnnxFields.Node.Input, input);
        node.String(OnnxFields.Node.Output, output).String(OnnxFields.Node.Name, name).String(OnnxFields.Node.OpType, opType)
            .Messages(OnnxFields.Node.Attribute, attributes.Select(a => a.ToProto()))
            .String(OnnxFields.Node.DocString, doc);
        _nodes.Add(node);
        return output;
    }

    /// <summary>A float32 graph input; each dimension is a size or the symbolic batch dimension (null).</summary>
    public string Input(string name, string doc, params int?[] dims)
    {
        Define(name);
        _inputs.Add(ValueInfo(name, doc, dims));
        return name;
    }

    /// <summary>Declares an already computed value a float32 graph output.</summary>
    public void Output(string name, string doc, params int?[] dims)
    {
        if (!_values.Contains(name))
            throw new InvalidOperationException($"The output {name} is not computed by the graph.");
        _outputs.Add(ValueInfo(name, doc, dims));
    }

    public ProtoMessage ToProto(string name, string doc) => new ProtoMessage()
        .Messages(OnnxFields.Graph.Node, _nodes)
        .String(OnnxFields.Graph.Name, name)
        .Messages(OnnxFields.Graph.Initializer, _initializers)
        .String(OnnxFields.Graph.DocString, doc)
        .Messages(OnnxFields.Graph.Input, _inputs)
        .Messages(OnnxFields.Graph.Output, _outputs);

    private string AddInitializer(string name, ReadOnlySpan<int> dims, int dataType, byte[] raw, string doc, int count)
    {
        long expected = 1;
        foreach (int d in dims)
            expected *= d;
        if (expected != count)
            throw new InvalidOperationException($"Initializer {name} has {count} values for dims [{string.Join(',', dims.ToArray())}].");
        Define(name);
        var tensor = new ProtoMessage();
        foreach (int d in dims)
            tensor.Int64(OnnxFields.Tensor.Dims, d);
        _initializers.Add(tensor.Int64(OnnxFields.Tensor.DataType, dataType).String(OnnxFields.Tensor.Name, name)
            .Bytes(OnnxFields.Tensor.RawData, raw).String(OnnxFields.Tensor.DocString, doc));
        return name;
    }

    private void Define(string value)
    {
        if (!_values.Add(value))
            throw new InvalidOperationException($"The value {value} is defined twice.");
    }

    private static ProtoMessage ValueInfo(string name, string doc, int?[] dims)
    {
        var shape = new ProtoMessage();
        foreach (int? d in dims)
        {
            shape.Message(OnnxFields.Shape.Dim, d is int size
                ? new ProtoMessage().Int64(OnnxFields.Shape.DimValue, size)
                : new ProtoMessage().String(OnnxFields.Shape.DimParam, BatchDimension));
        }

        var tensorType = new ProtoMessage().Int64(OnnxFields.Type.TensorElemType, OnnxFields.Tensor.Float).Message(OnnxFields.Type.TensorShape, shape);
        return new ProtoMessage()
            .String(OnnxFields.ValueInfo.Name, name)
            .Message(OnnxFields.ValueInfo.Type, new ProtoMessage().Message(OnnxFields.Type.TensorType, tensorType))
            .String(OnnxFields.ValueInfo.DocString, doc);
    }

    public static string Shape(params int?[] dims) => $"[{string.Join(',', dims.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? BatchDimension))}]";
}
