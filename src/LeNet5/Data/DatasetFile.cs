namespace LeNet5.Data;

/// <summary>A data file known by name and by the SHA-256 of its decompressed content.</summary>
/// <param name="Name">The decompressed file name, for example <c>train-images-idx3-ubyte</c>.</param>
/// <param name="Sha256">The SHA-256 of the decompressed content, 64 lower-case hexadecimal digits.</param>
public sealed record DatasetFile(string Name, string Sha256)
{
    /// <summary>The gzipped file's name: <see cref="Name"/> + <c>.gz</c>; what is downloaded and stored.</summary>
    public string CompressedName => Name + ".gz";

    /// <summary>The file in <paramref name="directory"/>, raw or gzipped (raw preferred), or null if neither exists.</summary>
    /// <param name="directory">The folder to look in.</param>
    /// <returns>The path, or null.</returns>
    public string? Find(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string raw = Path.Combine(directory, Name);
        if (File.Exists(raw))
        {
            return raw;
        }

        string compressed = Path.Combine(directory, CompressedName);
        return File.Exists(compressed) ? compressed : null;
    }
}
