using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Onnx;

/// <summary>A parameter tensor under its weights-file name (docs/definitions.md, "Weights file"), C3 dense.</summary>
internal sealed record NamedTensor(string Name, int[] Shape, float[] Values);

/// <summary>
/// Reads a network's parameters as the named tensors of its weights file, through the public API only:
/// <see cref="LeNet5Network.Parameters"/> holds the layers' parameters in order, each layer's tensors in file order
/// (weight, then bias), and the Classic C3 kernels packed one per connection of <see cref="ConnectionTable.PaperC3"/>
/// (output map by output map, inputs ascending), which is expanded here to the dense [16,6,5,5] kernel with zeros where
/// Table I has no connection, as the weights file stores it.
/// </summary>
internal static class NetworkTensors
{
    private const int K = 5;

    public static IReadOnlyDictionary<string, NamedTensor> Read(LeNet5Network network)
    {
        bool classic = network.Definition.Architecture == Architecture.Classic;
        float[] parameters = network.Parameters.ToArray();
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!float.IsFinite(parameters[i]))
                throw new ArgumentException($"Parameter {i} of the network is {parameters[i]}; only a network with finite parameters can be exported.", nameof(network));
        }

        var tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        int at = 0;
        void Take(string name, params int[] shape)
        {
            int count = shape.Aggregate(1, (product, d) => product * d);
            tensors[name] = new NamedTensor(name, shape, parameters.AsSpan(at, count).ToArray());
            at += count;
        }

        Take("c1.weight", 6, 1, K, K);
        Take("c1.bias", 6);
        if (classic)
        {
            Take("s2.weight", 6);
            Take("s2.bias", 6);
            ConnectionTable table = ConnectionTable.PaperC3;
            var dense = new float[table.Outputs * table.Inputs * K * K];
            for (int c = 0; c < table.Connections; c++)
            {
                int to = ((table.OutputOfConnection[c] * table.Inputs) + table.InputOfConnection[c]) * K * K;
                parameters.AsSpan(at + (c * K * K), K * K).CopyTo(dense.AsSpan(to));
            }
            at += table.Connections * K * K;
            tensors["c3.weight"] = new NamedTensor("c3.weight", [table.Outputs, table.Inputs, K, K], dense);
        }
        else
        {
            Take("c3.weight", 16, 6, K, K);
        }
        Take("c3.bias", 16);
        if (classic)
        {
            Take("s4.weight", 16);
            Take("s4.bias", 16);
        }
        Take("c5.weight", 120, 16, K, K);
        Take("c5.bias", 120);
        Take("f6.weight", 84, 120);
        Take("f6.bias", 84);
        if (!classic)
        {
            Take("output.weight", LeNet5Network.Classes, 84);
            Take("output.bias", LeNet5Network.Classes);
        }
        if (at != parameters.Length)
            throw new InvalidOperationException($"A {network.Definition.Architecture} network has {parameters.Length} parameters; the exporter's layout reads {at}.");
        if (classic)
        {
            float[] prototypes = network.Prototypes.ToArray();
            if (prototypes.Length != LeNet5Network.Classes * 84)
                throw new InvalidOperationException($"A Classic network has {prototypes.Length} prototype values; expected {LeNet5Network.Classes * 84}.");
            tensors["output.prototypes"] = new NamedTensor("output.prototypes", [LeNet5Network.Classes, 84], prototypes);
        }
        return tensors;
    }
}
