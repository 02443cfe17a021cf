namespace LeNet5.Mnist;

/// <summary>Writes a file under a temporary name beside it and renames it into place, so a failure never leaves half a file.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string contents) => Write(path, temporary => File.WriteAllText(temporary, contents));

    public static void WriteAllBytes(string path, byte[] contents) => Write(path, temporary => File.WriteAllBytes(temporary, contents));

    private static void Write(string path, Action<string> write)
    {
        string temporary = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            // The message names the file asked for, never the temporary one.
            throw new IOException($"cannot write {path}: {e.Message.Replace(temporary, path, StringComparison.Ordinal)}", e);
        }
    }
}
