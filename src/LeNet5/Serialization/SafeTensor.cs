using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Text;

namespace LeNet5.Serialization;

/// <summary>
/// A named float32 tensor as stored in a safetensors file: a shape and its elements in row-major order.
/// Instances are immutable: the constructor copies its inputs.
/// </summary>
public sealed class SafeTensor
{
    internal const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates a tensor, copying <paramref name="shape"/> and <paramref name="data"/>.</summary>
    /// <param name="name">The tensor name: non-empty, well-formed Unicode, not <c>__metadata__</c>.</param>
    /// <param name="shape">The dimensions, each non-negative; empty for a scalar.</param>
    /// <param name="data">The elements in row-major order; their count must equal the product of <paramref name="shape"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is invalid, a dimension is negative, or the element count does not match the shape.</exception>
    public SafeTensor(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        ValidateName(name);
        long count = ElementCount(shape, name);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape {FormatShape(shape)}, which holds {count} elements, but {data.Length} elements were given.",
                nameof(data));
        }

        Name = name;
        Shape = new ReadOnlyCollection<int>(shape.ToArray());
        Data = data.ToArray();
    }

    /// <summary>Takes ownership of already validated arrays, without copying (used by the reader).</summary>
    private SafeTensor(string name, int[] shape, float[] data, bool owned)
    {
        Debug.Assert(owned, "Only for arrays the caller hands over.");
        Name = name;
        Shape = new ReadOnlyCollection<int>(shape);
        Data = data;
    }

    /// <summary>Wraps arrays the caller hands over and will not touch again; they must already be validated.</summary>
    internal static SafeTensor FromOwned(string name, int[] shape, float[] data) => new(name, shape, data, owned: true);

    /// <summary>The tensor name, unique within a file.</summary>
    public string Name { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The elements in row-major order.</summary>
    public ReadOnlyMemory<float> Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {FormatShape(Shape)}";

    internal static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("A tensor name must not be empty.", nameof(name));
        }

        if (name == MetadataKey)
        {
            throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(name));
        }

        ValidateUnicode(name, nameof(name));
    }

    internal static void ValidateUnicode(string text, string paramName)
    {
        try
        {
            _ = s_strictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"'{text}' is not well-formed Unicode (it contains a lone surrogate).", paramName, e);
        }
    }

    private static long ElementCount(ReadOnlySpan<int> shape, string name)
    {
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape {FormatShape(shape)}.", nameof(shape));
            }

            // Each factor is at most int.MaxValue, so once the product exceeds int.MaxValue it can never match an
            // array length again unless a later dimension is 0; saturate instead of overflowing.
            count = count > int.MaxValue ? (dim == 0 ? 0 : count) : count * dim;
        }

        return count;
    }

    internal static string FormatShape(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    internal static string FormatShape(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";
}
