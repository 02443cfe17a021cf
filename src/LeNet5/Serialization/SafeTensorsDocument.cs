using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace LeNet5.Serialization;

/// <summary>The contents of a safetensors file: its tensors in header order and its metadata.</summary>
public sealed class SafeTensorsDocument
{
    private readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsDocument(string path, IList<SafeTensor> tensors, IDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = new ReadOnlyCollection<SafeTensor>(tensors);
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        _byName = new Dictionary<string, SafeTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (SafeTensor tensor in tensors)
        {
            _byName.Add(tensor.Name, tensor);
        }
    }

    /// <summary>The path the document was read from, as it was given to <see cref="SafeTensorsFile.Read(string)"/>.</summary>
    public string Path { get; }

    /// <summary>The tensors, in the order in which the header lists them.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the tensor called <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name (case-sensitive).</param>
    /// <exception cref="KeyNotFoundException">The document has no tensor of that name.</exception>
    public SafeTensor this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return _byName.TryGetValue(name, out SafeTensor? tensor)
                ? tensor
                : throw new KeyNotFoundException($"The safetensors file '{Path}' has no tensor named '{name}'.");
        }
    }

    /// <summary>Looks up the tensor called <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name (case-sensitive).</param>
    /// <param name="tensor">The tensor when found; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the document has a tensor of that name.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out SafeTensor? tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor);
    }
}
