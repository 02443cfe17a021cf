namespace LeNet5.Mnist.Data;

/// <summary>
/// Where MNIST can be downloaded from, tried in order: the original site often answers 403, so two long-lived
/// public copies come first. <c>LENET5_MNIST_MIRRORS</c> (base addresses separated by ';' or spaces) puts more
/// mirrors in front, for a local copy or a proxy.
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
            if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? mirror))
            {
                throw new ArgumentException($"{EnvironmentVariable}: '{address}' is not an absolute address.");
            }

            mirrors.Add(mirror);
        }

        mirrors.AddRange(Default);
        return mirrors;
    }
}
