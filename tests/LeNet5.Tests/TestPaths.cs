namespace LeNet5.Tests;

/// <summary>Locates shared test data relative to the repository: the folder holding LeNet5.sln, then ../shared.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder holding LeNet5.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>
    /// The real MNIST, gzipped: <c>../shared/datasets/mnist</c> beside the repository. CI always has it; its absence
    /// fails the test that asks, with a message saying where it looked.
    /// </summary>
    public static string MnistDirectory
    {
        get
        {
            string directory = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "datasets", "mnist"));
            string[] needed = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
            string[] missing = needed.Where(n => !File.Exists(Path.Combine(directory, n))).ToArray();
            Assert.True(missing.Length == 0, $"Real MNIST is needed in {directory} (../shared/datasets/mnist beside the folder holding LeNet5.sln); missing: {string.Join(", ", missing)}.");
            return directory;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNet5.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No LeNet5.sln in {AppContext.BaseDirectory} or any folder above it.");
    }
}
