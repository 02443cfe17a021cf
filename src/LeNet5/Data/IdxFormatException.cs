namespace LeNet5.Data;

/// <summary>
/// An IDX file (or an image/label pair) is malformed: wrong magic, unknown type code, impossible dimensions,
/// truncated or trailing data, corrupt compression, or content that does not fit the dataset. The message names
/// the file, what was expected and what was found.
/// </summary>
public sealed class IdxFormatException : FormatException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public IdxFormatException()
        : base("The IDX data is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong.</param>
    public IdxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The exception that revealed it.</param>
    public IdxFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about <paramref name="fileName"/>; the message is prefixed with it.</summary>
    /// <param name="fileName">The file (or stream name) that is malformed.</param>
    /// <param name="message">What is wrong: what was expected and what was found.</param>
    /// <param name="innerException">The exception that revealed it, if any.</param>
    public IdxFormatException(string fileName, string message, Exception? innerException = null)
        : base($"{fileName}: {message}", innerException)
    {
        FileName = fileName;
    }

    /// <summary>The file (or stream name) that is malformed, when known.</summary>
    public string? FileName { get; }
}
