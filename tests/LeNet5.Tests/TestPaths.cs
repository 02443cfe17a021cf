using LeNet5.Data;

namespace LeNet5.Tests;

/// <summary>
/// Locates test data: the MNIST subset committed with the tests, and the full MNIST where the library looks for it
/// (<c>LENET5_DATA</c>, else the per-user cache that <c>lenet5 download</c> fills), which a fresh clone does not have.
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder holding LeNet5.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>Images in the committed subset's training files (the first ones of MNIST's).</summary>
    public const int SubsetTrainingCount = 2000;

    /// <summary>Images in the committed subset's test files (the first ones of MNIST's).</summary>
    public const int SubsetTestCount = 1000;

    /// <summary>
    /// The committed MNIST subset, gzipped IDX under the four MNIST names: the first <see cref="SubsetTrainingCount"/>
    /// training and the first <see cref="SubsetTestCount"/> test images with their labels (TestData/mnist/README.md).
    /// </summary>
    public static string MnistSubsetDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "mnist");

    /// <summary>MNIST's original t10k-labels-idx1-ubyte.gz, all 10,000 test labels, byte for byte (4.5 KB).</summary>
    public static string FullTestLabelsFile => Path.Combine(AppContext.BaseDirectory, "TestData", "mnist-t10k-labels", "t10k-labels-idx1-ubyte.gz");

    /// <summary>
    /// The full MNIST, gzipped, in the folder <see cref="DataDirectory.Resolve(string?)"/> gives with no folder named:
    /// <c>LENET5_DATA</c>, else the per-user cache (<c>~/.cache/lenet5/mnist</c> on Linux). When it is absent the test
    /// asking for it is skipped, saying where it looked and how to fill it.
    /// </summary>
    public static string FullMnistDirectory
    {
        get
        {
            string directory = DataDirectory.Resolve(null);
            // The gzipped files, as published: the SHA-256 test and the local-mirror test read them by those names.
            string[] missing = MnistFileSet.All.Select(f => f.CompressedName).Where(n => !File.Exists(Path.Combine(directory, n))).ToArray();
            if (missing.Length > 0)
            {
                Assert.Skip($"The full MNIST is not in {directory} ({DataDirectory.Origin(null)}); missing: {string.Join(", ", missing)}. 'lenet5 download' fetches it there.");
            }

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
