using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// A named tensor as stored in a weights file, and where it lives in the packed parameters: one row of the parameter
/// layout that <see cref="Network.LeNet5Network"/> exposes and every reader and writer of weights uses.
/// </summary>
/// <param name="Name">The safetensors name, e.g. <c>c3.weight</c>.</param>
/// <param name="Shape">The shape in the file.</param>
/// <param name="Offset">Start in the layer's parameters (in a layer's <see cref="Layer.Tensors"/>) or in the network's (in its layout).</param>
/// <param name="Length">Floats in the packed parameters (less than the file's element count only for a partial table).</param>
/// <param name="Table">
/// For a convolution's kernels, the connection table they are packed by, one K×K kernel per connection (C3's Table I
/// mask); null for every other tensor.
/// </param>
internal sealed record ParameterTensor(string Name, int[] Shape, int Offset, int Length, ConnectionTable? Table = null)
{
    /// <summary>Elements in the file: the product of <see cref="Shape"/>.</summary>
    public int ElementCount => Shape.Aggregate(1, (product, dimension) => product * dimension);

    /// <summary>The file holds the kernels dense, (out, in, K, K), with zeros where the table has no connection.</summary>
    public bool IsPartialTable => ElementCount != Length;

    /// <summary>Expands the packed kernels to the dense (out, in, K, K) layout, zeros where the table has no connection.</summary>
    public void Expand(ReadOnlySpan<float> packed, Span<float> dense)
    {
        ConnectionTable table = Table ?? throw new InvalidOperationException($"{Name} has no connection table.");
        int taps = Shape[2] * Shape[3];
        dense.Clear();
        for (int c = 0; c < table.Connections; c++)
        {
            int at = ((table.OutputOfConnection[c] * table.Inputs) + table.InputOfConnection[c]) * taps;
            packed.Slice(c * taps, taps).CopyTo(dense.Slice(at, taps));
        }
    }

    /// <summary>
    /// Packs dense (out, in, K, K) kernels; returns the first (output, input) pair outside the table whose
    /// kernel is not all zeros, or null.
    /// </summary>
    public (int Output, int Input)? Pack(ReadOnlySpan<float> dense, Span<float> packed)
    {
        ConnectionTable table = Table ?? throw new InvalidOperationException($"{Name} has no connection table.");
        int taps = Shape[2] * Shape[3];
        for (int o = 0; o < table.Outputs; o++)
        {
            for (int i = 0; i < table.Inputs; i++)
            {
                ReadOnlySpan<float> kernel = dense.Slice(((o * table.Inputs) + i) * taps, taps);
                int c = table.ConnectionIndex(o, i);
                if (c >= 0)
                    kernel.CopyTo(packed.Slice(c * taps, taps));
                else if (kernel.ContainsAnyExcept(0f))
                    return (o, i);
            }
        }
        return null;
    }
}
