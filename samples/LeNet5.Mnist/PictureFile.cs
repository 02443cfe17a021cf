using System.Buffers.Binary;
using LeNet5.Data;
using StbImageSharp;

namespace LeNet5.Mnist;

/// <summary>
/// A PNG, JPEG or BMP file decoded to grey levels (StbImageSharp, pure managed), for <c>lenet5 predict --image</c>;
/// the format is told by the file's first bytes, not its name. Every failure is an <see cref="InvalidDataException"/>
/// naming the file.
/// </summary>
internal static class PictureFile
{
    /// <summary>The extensions a folder given to <c>--image</c> is searched for.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>Larger images are refused before they are decoded (a 16,384 × 16,384 photo is 1 GiB as RGBA).</summary>
    private const long MaximumPixels = 64L * 1024 * 1024;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> PngEnd => [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    /// <summary>Reads and decodes <paramref name="path"/>.</summary>
    /// <returns>Its grey levels (transparency laid over a contrasting background), row by row, and its size.</returns>
    public static (byte[] Grayscale, int Width, int Height) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string format = Format(bytes) ?? throw new InvalidDataException($"{path} is not a PNG, JPEG or BMP image.");
        if (Truncation(format, bytes) is string problem)
            throw new InvalidDataException($"{path} is a truncated or damaged {format} image: {problem}.");

        ImageInfo? info;
        using (var stream = new MemoryStream(bytes, writable: false))
            info = ImageInfo.FromStream(stream);
        if (info is not { Width: > 0, Height: > 0 } header)
            throw new InvalidDataException($"{path} is a damaged {format} image: its header cannot be read.");
        if ((long)header.Width * header.Height > MaximumPixels)
            throw new InvalidDataException($"{path} is {header.Width}×{header.Height} pixels; at most {MaximumPixels / (1024 * 1024)} megapixels are read.");

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path} is a damaged {format} image: {e.Message.TrimEnd('.')}.", e);
        }

        return (MnistPreprocessing.Grayscale(image.Data, image.Width, image.Height), image.Width, image.Height);
    }

    /// <summary>The files <c>--image</c> means: a file as it is; a folder's PNG, JPEG and BMP files (not its subfolders), by name.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (string argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                string[] found = Directory.EnumerateFiles(argument)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                if (found.Length == 0)
                    throw new InvalidDataException($"{argument} holds no PNG, JPEG or BMP file ({string.Join(", ", Extensions)}).");
                files.AddRange(found);
            }
            else
            {
                files.Add(argument);
            }
        }
        return files;
    }

    /// <summary>"PNG", "JPEG" or "BMP" when the file starts like one, else null (also when it cannot be read).</summary>
    public static string? FormatOf(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            return Format(head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Format(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature))
            return "PNG";
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
            return "JPEG";
        if (bytes.Length >= 2 && bytes[0] == (byte)'B' && bytes[1] == (byte)'M')
            return "BMP";
        return null;
    }

    /// <summary>What shows that the file stops early, or null: a decoder may fill the missing rows silently.</summary>
    private static string? Truncation(string format, ReadOnlySpan<byte> bytes)
    {
        switch (format)
        {
            case "PNG":
                return bytes.EndsWith(PngEnd) ? null : "it does not end with the IEND chunk";
            case "JPEG":
            {
                // The end-of-image marker FF D9, allowing a little padding after it.
                ReadOnlySpan<byte> tail = bytes[Math.Max(0, bytes.Length - 64)..];
                return tail.IndexOf([(byte)0xFF, (byte)0xD9]) >= 0 ? null : "it has no end-of-image marker";
            }
            default:
            {
                // BITMAPFILEHEADER: the file's size at offset 2 (0 in some writers), the pixels' offset at 10.
                if (bytes.Length < 26)
                    return $"{bytes.Length} bytes hold no bitmap header";
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[2..]);
                return size > bytes.Length ? $"its header says {size} bytes, the file holds {bytes.Length}" : null;
            }
        }
    }
}
