namespace LeNet5.Data;

/// <summary>
/// The paper's input normalisation (Section II-B; SPEC.md): pixel p ∈ [0, 255] ↦ −0.1 + 1.275·p/255, so the
/// white background is −0.1 and full ink 1.175; a 28×28 digit is centred in a 32×32 field whose border is −0.1.
/// </summary>
public static class Preprocessing
{
    /// <summary>Side of the network's input field.</summary>
    public const int Side = 32;

    /// <summary>Side of an MNIST digit.</summary>
    public const int MnistSide = 28;

    /// <summary>Value of the background and of the padding.</summary>
    public const float Background = -0.1f;

    // Each entry is the double-precision value rounded once to float, so every path gives the same bits.
    private static readonly float[] s_table = Enumerable.Range(0, 256).Select(p => (float)(-0.1 + (1.275 * p / 255))).ToArray();

    /// <summary>The normalised value of every byte value.</summary>
    public static ReadOnlySpan<float> Table => s_table;

    /// <summary>Centres a 28×28 image (784 bytes) in a 32×32 field (1,024 floats), normalised.</summary>
    public static void Normalize28x28(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(pixels.Length, MnistSide * MnistSide, nameof(pixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Side * Side, nameof(destination));
        const int Border = (Side - MnistSide) / 2;
        destination[..(Side * Side)].Fill(Background);
        for (int y = 0; y < MnistSide; y++)
        {
            Span<float> row = destination.Slice(((y + Border) * Side) + Border, MnistSide);
            ReadOnlySpan<byte> source = pixels.Slice(y * MnistSide, MnistSide);
            for (int x = 0; x < MnistSide; x++)
                row[x] = s_table[source[x]];
        }
    }

    /// <summary>Normalises a 32×32 image (1,024 bytes) without padding.</summary>
    public static void Normalize32x32(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(pixels.Length, Side * Side, nameof(pixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Side * Side, nameof(destination));
        for (int i = 0; i < pixels.Length; i++)
            destination[i] = s_table[pixels[i]];
    }
}
