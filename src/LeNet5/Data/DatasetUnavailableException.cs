namespace LeNet5.Data;

/// <summary>
/// Data files are missing and could not be downloaded from any mirror. The message says which files are missing,
/// where they were looked for, how each mirror failed, and how to supply them by hand.
/// </summary>
public sealed class DatasetUnavailableException : IOException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public DatasetUnavailableException()
        : base("Data files are missing and could not be downloaded.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is missing and why.</param>
    public DatasetUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is missing and why.</param>
    /// <param name="innerException">The cause.</param>
    public DatasetUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about files missing from <paramref name="directory"/>.</summary>
    /// <param name="message">The full explanation.</param>
    /// <param name="directory">The data folder.</param>
    /// <param name="missingFiles">The files still missing.</param>
    /// <param name="failures">One line per failed attempt: the address and how it failed.</param>
    public DatasetUnavailableException(string message, string directory, IReadOnlyList<string> missingFiles, IReadOnlyList<string> failures)
        : base(message)
    {
        Directory = directory;
        MissingFiles = missingFiles;
        Failures = failures;
    }

    /// <summary>The data folder.</summary>
    public string? Directory { get; }

    /// <summary>The names of the files still missing.</summary>
    public IReadOnlyList<string> MissingFiles { get; } = [];

    /// <summary>One line per failed attempt: the address and how it failed.</summary>
    public IReadOnlyList<string> Failures { get; } = [];
}
