using LeNet5.Data;

namespace LeNet5.Mnist;

/// <summary>The images of an IDX file of unsigned bytes, [n, 28, 28] or [n, 32, 32], raw or gzipped, ready to normalise.</summary>
internal sealed class ImageFile
{
    private readonly byte[] _pixels;

    private ImageFile(byte[] pixels, int count, int side)
    {
        _pixels = pixels;
        Count = count;
        Side = side;
    }

    public int Count { get; }
    public int Side { get; }

    /// <summary>Image <paramref name="index"/>'s pixels, row by row: what <see cref="Network.LeNet5Network.Predict(ReadOnlySpan{byte})"/> takes.</summary>
    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(index * Side * Side, Side * Side);

    public void Normalize(int index, Span<float> destination)
    {
        int size = Side * Side;
        ReadOnlySpan<byte> image = _pixels.AsSpan(index * size, size);
        if (Side == Preprocessing.MnistSide)
            Preprocessing.Normalize28x28(image, destination);
        else
            Preprocessing.Normalize32x32(image, destination);
    }

    /// <summary>Reads the file through the strict IDX reader; the image shape is checked before anything is allocated.</summary>
    public static ImageFile Read(string path)
    {
        using var reader = IdxReader.Open(path);
        var header = reader.Header;
        if (header.ElementType != IdxElementType.UnsignedByte || header.Rank != 3)
            throw new IdxFormatException(path, $"expected unsigned-byte images [n, 28, 28] or [n, 32, 32], found {header}.");
        int count = header.Dimensions[0], rows = header.Dimensions[1], columns = header.Dimensions[2];
        if (rows != columns || rows is not (Preprocessing.MnistSide or Preprocessing.InputSide))
            throw new IdxFormatException(path, $"images are {rows}×{columns}; expected 28×28 or 32×32.");
        return new ImageFile(reader.ReadAll<byte>(), count, rows);
    }
}
