using System.Globalization;
using LeNet5.Layers;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Serialization;

/// <summary>
/// Saves and loads a <see cref="LeNet5Network"/> as safetensors in this project's layout (docs/definitions.md, "Weights file"): PyTorch's tensor
/// names and shapes (<c>c1.weight</c> [6,1,5,5], …), C3 stored dense as [16,6,5,5] with zeros outside the
/// paper's Table I, the Classic RBF prototypes as <c>output.prototypes</c>, and the architecture (and for
/// Modern the activation and pooling) in <c>__metadata__</c>. A file written by PyTorch in this layout loads.
/// </summary>
public static class ModelFile
{
    /// <summary>Metadata key naming the architecture: "Classic" or "Modern".</summary>
    public const string ArchitectureKey = "architecture";

    /// <summary>Metadata key naming the Modern network's activation: "Tanh" or "ReLU".</summary>
    public const string ActivationKey = "activation";

    /// <summary>Metadata key naming the Modern network's pooling: "Average" or "Max".</summary>
    public const string PoolingKey = "pooling";

    private const string PrototypesName = "output.prototypes";

    /// <summary>
    /// Writes the network to <paramref name="path"/>. The file is written under a temporary name and renamed
    /// over the target, so a failed save leaves any existing file as it was.
    /// </summary>
    public static void Save(LeNet5Network network, string path) => Save(network, path, [], new Dictionary<string, string>());

    /// <summary>Saves with additional tensors and metadata (a training checkpoint's optimiser state).</summary>
    internal static void Save(LeNet5Network network, string path, IEnumerable<SafeTensor> extraTensors, Dictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = ToTensors(network, network.Parameters);
        if (network.Definition.Architecture == Architecture.Classic)
            tensors.Add(new SafeTensor(PrototypesName, [LeNet5Network.Classes, RbfPrototypes.Length], network.Prototypes));

        tensors.AddRange(extraTensors);
        metadata = new Dictionary<string, string>(metadata) { [ArchitectureKey] = network.Definition.Architecture.ToString() };
        if (network.Definition.Architecture == Architecture.Modern)
        {
            metadata[ActivationKey] = network.Definition.Activation.ToString();
            metadata[PoolingKey] = network.Definition.Pooling.ToString();
        }
        SafeTensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Lays out values shaped like <see cref="LeNet5Network.Parameters"/> (the parameters themselves, or their
    /// gradients) as the file's named tensors, C3 expanded to dense.
    /// </summary>
    internal static List<SafeTensor> ToTensors(LeNet5Network network, ReadOnlySpan<float> packed)
    {
        var tensors = new List<SafeTensor>();
        foreach (ParameterTensor tensor in network.ParameterLayout)
        {
            var data = new float[tensor.ElementCount];
            ReadOnlySpan<float> values = packed.Slice(tensor.Offset, tensor.Length);
            if (tensor.IsPartialTable)
                tensor.Expand(values, data);
            else
                values.CopyTo(data);
            tensors.Add(new SafeTensor(tensor.Name, tensor.Shape, data));
        }
        return tensors;
    }

    /// <summary>
    /// Reads a network. Every tensor of the architecture must be present with its exact shape, as F32, with
    /// finite values; no other tensor may be, except a training checkpoint's <c>optimizer.*</c> state, which is
    /// ignored; Classic C3 weights outside Table I must be zero.
    /// </summary>
    /// <param name="path">The .safetensors file.</param>
    /// <param name="mapConstant">The MAP loss constant j to give a Classic network.</param>
    /// <exception cref="SafeTensorsFormatException">The file breaks the safetensors format or this layout; the message names the file and the tensor.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static LeNet5Network Load(string path, double mapConstant = LeNet5Network.DefaultMapConstant)
        => Load(SafeTensorsFile.Read(path), mapConstant, OptimizerStatePrefix);

    /// <summary>Tensors of a training checkpoint's optimiser state, which a model load passes over.</summary>
    internal const string OptimizerStatePrefix = "optimizer.";

    /// <summary>Reads the network of a document; tensors whose names start with <paramref name="extraPrefix"/> are left to the caller.</summary>
    internal static LeNet5Network Load(SafeTensorsDocument document, double mapConstant, string? extraPrefix)
    {
        string path = document.Path;
        NetworkDefinition definition = ReadDefinition(document, path);
        var network = LeNet5Network.CreateEmpty(definition, mapConstant);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        Span<float> parameters = network.Parameters;
        foreach (ParameterTensor tensor in network.ParameterLayout)
        {
            expected.Add(tensor.Name);
            ReadOnlySpan<float> data = Take(document, path, tensor.Name, tensor.Shape);
            Span<float> target = parameters.Slice(tensor.Offset, tensor.Length);
            if (!tensor.IsPartialTable)
            {
                data.CopyTo(target);
            }
            else if (tensor.Pack(data, target) is var (output, input))
            {
                throw new SafeTensorsFormatException(path, tensor.Name,
                    $"C3 map {output} has non-zero weights from S2 map {input}, which the paper's Table I does not connect.");
            }
        }
        if (definition.Architecture == Architecture.Classic)
        {
            expected.Add(PrototypesName);
            Take(document, path, PrototypesName, [LeNet5Network.Classes, RbfPrototypes.Length]).CopyTo(network.Prototypes);
        }
        foreach (var tensor in document.Tensors)
        {
            if (!expected.Contains(tensor.Name) && !(extraPrefix is not null && tensor.Name.StartsWith(extraPrefix, StringComparison.Ordinal)))
                throw new SafeTensorsFormatException(path, tensor.Name, $"Unexpected tensor for a {definition.Architecture} network.");
        }

        return network;
    }

    private static NetworkDefinition ReadDefinition(SafeTensorsDocument document, string path)
    {
        string architectureText = Metadata(document, path, ArchitectureKey);
        if (!Enum.TryParse(architectureText, ignoreCase: true, out Architecture architecture) || !Enum.IsDefined(architecture))
            throw new SafeTensorsFormatException(path, null, $"Metadata \"{ArchitectureKey}\" is \"{architectureText}\"; expected \"Classic\" or \"Modern\".");
        if (architecture == Architecture.Classic)
            return NetworkDefinition.Classic;
        string activationText = Metadata(document, path, ActivationKey);
        if (!Enum.TryParse(activationText, ignoreCase: true, out Activation activation) || activation is not (Activation.Tanh or Activation.ReLU))
            throw new SafeTensorsFormatException(path, null, $"Metadata \"{ActivationKey}\" is \"{activationText}\"; expected \"Tanh\" or \"ReLU\".");
        string poolingText = Metadata(document, path, PoolingKey);
        if (!Enum.TryParse(poolingText, ignoreCase: true, out Pooling pooling) || !Enum.IsDefined(pooling))
            throw new SafeTensorsFormatException(path, null, $"Metadata \"{PoolingKey}\" is \"{poolingText}\"; expected \"Average\" or \"Max\".");
        return NetworkDefinition.Modern(activation, pooling);
    }

    private static string Metadata(SafeTensorsDocument document, string path, string key)
        => document.Metadata.TryGetValue(key, out string? value)
            ? value
            : throw new SafeTensorsFormatException(path, null, $"Metadata has no \"{key}\"; a LeNet-5 weights file must say its {key}.");

    private static ReadOnlySpan<float> Take(SafeTensorsDocument document, string path, string name, int[] shape)
    {
        if (!document.TryGet(name, out SafeTensor? tensor))
            throw new SafeTensorsFormatException(path, name, $"Missing tensor; expected shape [{string.Join(',', shape)}].");
        if (!tensor.Shape.SequenceEqual(shape))
            throw new SafeTensorsFormatException(path, name, $"Shape is [{string.Join(',', tensor.Shape)}]; expected [{string.Join(',', shape)}].");
        ReadOnlySpan<float> data = tensor.Data.Span;
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
                throw new SafeTensorsFormatException(path, name, $"Element {i} is {data[i].ToString(CultureInfo.InvariantCulture)}; weights must be finite.");
        }

        return data;
    }
}
