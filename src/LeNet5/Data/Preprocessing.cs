namespace LeNet5.Data;

/// <summary>
/// The paper's input normalisation (LeCun et al. 1998, Section II-B): a 28×28 digit is centred in a 32×32 field,
/// and pixel p ∈ [0, 255] maps to x = −0.1 + 1.275·p/255, so the background (p = 0) and the 2-pixel border are
/// −0.1 and full ink (p = 255) is 1.175.
/// </summary>
/// <remarks>
/// The mapping is computed once per pixel value in double precision and rounded once to float (the
/// correctly rounded value, which an independent implementation computing in double also gets), into a
/// 256-entry table that every path reads, so every path gives bit-identical floats.
/// </remarks>
public static class Preprocessing
{
    /// <summary>The side of the network's input field.</summary>
    public const int InputSide = 32;

    /// <summary>The number of floats in one network input: 32 × 32.</summary>
    public const int InputSize = InputSide * InputSide;

    /// <summary>The side of an MNIST digit image.</summary>
    public const int MnistSide = 28;

    /// <summary>The number of pixels in one MNIST image: 28 × 28.</summary>
    public const int MnistSize = MnistSide * MnistSide;

    /// <summary>The width of the border around a 28×28 image centred in the 32×32 field.</summary>
    public const int Border = (InputSide - MnistSide) / 2;

    /// <summary>The value of the background and of the border: −0.1.</summary>
    public const float Background = -0.1f;

    private static readonly float[] s_table = CreateTable();

    /// <summary>The normalised value of every pixel value 0 to 255: −0.1 + 1.275·p/255, rounded once to float.</summary>
    public static ReadOnlySpan<float> Table => s_table;

    /// <summary>The normalised value of one pixel.</summary>
    /// <param name="pixel">A pixel value, 0 (background) to 255 (ink).</param>
    /// <returns>−0.1 + 1.275·p/255.</returns>
    public static float Normalize(byte pixel) => s_table[pixel];

    /// <summary>Normalises a 28×28 image and centres it in a 32×32 field whose 2-pixel border is −0.1.</summary>
    /// <param name="pixels784">784 pixels, row by row.</param>
    /// <param name="destination1024">1024 floats, row by row.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Normalize28x28(ReadOnlySpan<byte> pixels784, Span<float> destination1024)
    {
        RequireLength(pixels784.Length, MnistSize, nameof(pixels784));
        RequireLength(destination1024.Length, InputSize, nameof(destination1024));
        Centre28x28(pixels784, destination1024);
    }

    /// <summary>Normalises a 32×32 image (no padding).</summary>
    /// <param name="pixels1024">1024 pixels, row by row.</param>
    /// <param name="destination1024">1024 floats, row by row.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Normalize32x32(ReadOnlySpan<byte> pixels1024, Span<float> destination1024)
    {
        RequireLength(pixels1024.Length, InputSize, nameof(pixels1024));
        RequireLength(destination1024.Length, InputSize, nameof(destination1024));
        Map(pixels1024, destination1024);
    }

    /// <summary>Lengths already checked: 784 bytes in, 1024 floats out.</summary>
    internal static void Centre28x28(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        // Top and bottom borders, then each row's 2 + 2 side pixels are filled as the rows are written.
        destination[..(Border * InputSide)].Fill(Background);
        destination[((Border + MnistSide) * InputSide)..].Fill(Background);
        float[] table = s_table;
        for (int row = 0; row < MnistSide; row++)
        {
            Span<float> line = destination.Slice((row + Border) * InputSide, InputSide);
            ReadOnlySpan<byte> source = pixels.Slice(row * MnistSide, MnistSide);
            line[..Border].Fill(Background);
            line[(Border + MnistSide)..].Fill(Background);
            Span<float> inner = line.Slice(Border, MnistSide);
            for (int column = 0; column < inner.Length; column++)
            {
                inner[column] = table[source[column]];
            }
        }
    }

    /// <summary>Maps each pixel through the table; lengths already checked and equal.</summary>
    internal static void Map(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        float[] table = s_table;
        destination = destination[..pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            destination[i] = table[pixels[i]];
        }
    }

    private static float[] CreateTable()
    {
        var table = new float[256];
        for (int p = 0; p < table.Length; p++)
        {
            table[p] = (float)(-0.1 + (1.275 * p / 255));
        }

        return table;
    }

    private static void RequireLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} elements, found {actual}.", name);
        }
    }
}
