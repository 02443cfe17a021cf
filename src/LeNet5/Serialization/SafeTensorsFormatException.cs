namespace LeNet5.Serialization;

/// <summary>
/// Thrown when a file is not a well-formed safetensors file, or uses a feature this reader does not support
/// (for example a dtype other than <c>F32</c>). The message names the file, the tensor when there is one,
/// what was expected and what was found.
/// It derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed.
/// </summary>
public sealed class SafeTensorsFormatException : IOException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SafeTensorsFormatException()
        : this("The file is not a valid safetensors file.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The complete message.</param>
    public SafeTensorsFormatException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">The complete message.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public SafeTensorsFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    /// <summary>
    /// Creates an exception for <paramref name="filePath"/> whose message is composed from the file path,
    /// the tensor name (when given) and <paramref name="detail"/>.
    /// </summary>
    /// <param name="filePath">The path of the offending file, as it was given to the reader.</param>
    /// <param name="tensorName">The offending tensor, or <see langword="null"/> when the problem is not tied to one tensor.</param>
    /// <param name="detail">What was expected and what was found.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public SafeTensorsFormatException(string filePath, string? tensorName, string detail, Exception? innerException = null)
        : base(ComposeMessage(filePath, tensorName, detail), innerException)
    {
        FilePath = filePath ?? string.Empty;
        TensorName = tensorName;
    }

    /// <summary>The path of the offending file, as it was given to the reader; empty when unknown.</summary>
    public string FilePath { get; }

    /// <summary>The name of the offending tensor, or <see langword="null"/> when the problem is not tied to one tensor.</summary>
    public string? TensorName { get; }

    private static string ComposeMessage(string? filePath, string? tensorName, string? detail) =>
        tensorName is null
            ? $"Invalid safetensors file '{filePath}': {detail}"
            : $"Invalid safetensors file '{filePath}', tensor '{tensorName}': {detail}";
}
