using System.Buffers.Binary;
using System.IO.Compression;

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

    public void Normalize(int index, Span<float> destination)
    {
        int size = Side * Side;
        ReadOnlySpan<byte> image = _pixels.AsSpan(index * size, size);
        if (Side == 28)
            Data.Preprocessing.Normalize28x28(image, destination);
        else
            Data.Preprocessing.Normalize32x32(image, destination);
    }

    public static ImageFile Read(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;

        Span<byte> header = stackalloc byte[16];
        if (stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) < 16)
            throw new InvalidDataException($"{path}: too short for an IDX image header (16 bytes).");
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] != 3)
            throw new InvalidDataException($"{path}: not an IDX file of unsigned-byte images (expected magic 00 00 08 03, found {Convert.ToHexString(header[..4])}).");
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        int columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (rows != columns || rows is not (28 or 32))
            throw new InvalidDataException($"{path}: images are {rows}×{columns}; expected 28×28 or 32×32.");
        if (count <= 0)
            throw new InvalidDataException($"{path}: the header says {count} images.");
        long length = (long)count * rows * columns;
        if (!gzip && length != file.Length - 16)
            throw new InvalidDataException($"{path}: the header says {count} images of {rows}×{columns} ({length} bytes) but the file holds {file.Length - 16} bytes of data.");
        if (length > Array.MaxLength)
            throw new InvalidDataException($"{path}: {count} images of {rows}×{columns} are too many to hold.");
        var pixels = new byte[length];
        int read = stream.ReadAtLeast(pixels, pixels.Length, throwOnEndOfStream: false);
        if (read < pixels.Length)
            throw new InvalidDataException($"{path}: truncated: the header says {length} bytes of pixels, the file holds {read}.");
        if (stream.ReadByte() != -1)
            throw new InvalidDataException($"{path}: trailing bytes after {count} images.");
        return new ImageFile(pixels, count, rows);
    }
}
