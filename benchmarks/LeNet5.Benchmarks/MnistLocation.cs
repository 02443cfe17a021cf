using LeNet5.Data;

namespace LeNet5.Benchmarks;

/// <summary>The gzipped MNIST: ../shared/datasets/mnist beside the folder holding LeNet5.sln, else the data folder.</summary>
internal static class MnistLocation
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNet5.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "datasets", "mnist"));
                if (MnistFileSet.Missing(shared).Count == 0)
                {
                    return shared;
                }

                break;
            }
        }

        string data = DataDirectory.Resolve(null);
        return MnistFileSet.Missing(data).Count == 0
            ? data
            : throw new InvalidOperationException($"MNIST not found in ../shared/datasets/mnist nor in {data}; run 'lenet5 download' first.");
    }
}
