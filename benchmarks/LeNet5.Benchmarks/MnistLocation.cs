using LeNet5.Data;

namespace LeNet5.Benchmarks;

/// <summary>The gzipped MNIST in the data folder: <c>LENET5_DATA</c>, else the per-user cache that <c>lenet5 download</c> fills.</summary>
internal static class MnistLocation
{
    public static string Find()
    {
        string data = DataDirectory.Resolve(null);
        return MnistFileSet.Missing(data).Count == 0
            ? data
            : throw new InvalidOperationException($"MNIST not found in {data} ({DataDirectory.Origin(null)}); run 'lenet5 download' first.");
    }
}
