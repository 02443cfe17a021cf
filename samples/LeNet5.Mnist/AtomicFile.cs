namespace LeNet5.Mnist;

/// <summary>Writes a file under a temporary name beside it and renames it into place, so a failure never leaves half a file.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string contents)
    {
        string temporary = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            File.WriteAllText(temporary, contents);
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
