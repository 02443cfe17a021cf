namespace LeNet5.Mnist.Data;

/// <summary>
/// Where MNIST can be downloaded from, tried in order: the original site often answers 403, so two long-lived
/// public copies come first. <c>LENET5_MNIST_MIRRORS</c> (base addresses separated by ';' or spaces) puts more
/// mirrors in front, for a proxy or a local copy (<c>file:///path/to/folder/</c>, or the folder's path itself).
/// </summary>
internal static class MnistMirrors
{
    public const string EnvironmentVariable = "LENET5_MNIST_MIRRORS";

    public static IReadOnlyList<Uri> Default { get; } =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        new("https://yann.lecun.com/exdb/mnist/"),
    ];

    /// <summary>The mirrors from <c>LENET5_MNIST_MIRRORS</c>, then <see cref="Default"/>.</summary>
    public static IReadOnlyList<Uri> Resolve()
    {
        string? extra = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var mirrors = new List<Uri>();
        foreach (string address in (extra ?? string.Empty).Split([';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A folder may be given as a path: it becomes a file:// address.
            if (Path.IsPathFullyQualified(address) && !address.Contains("://", StringComparison.Ordinal))
            {
                mirrors.Add(new Uri(Path.TrimEndingDirectorySeparator(address) + Path.DirectorySeparatorChar));
                continue;
            }

            if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? mirror) || mirror.Scheme is not ("http" or "https" or "file"))
            {
                throw new ArgumentException($"{EnvironmentVariable}: '{address}' is not an http, https or file:// address, nor a folder's full path.");
            }

            mirrors.Add(mirror);
        }

        mirrors.AddRange(Default);
        return mirrors;
    }
}
