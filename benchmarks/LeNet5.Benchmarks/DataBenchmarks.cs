using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using LeNet5.Data;

namespace LeNet5.Benchmarks;

/// <summary>
/// Loading the full MNIST training set (60,000 images and labels) from gzipped files and from raw copies. The raw
/// copies are made in a temporary folder at setup by decompressing the shared .gz files.
/// Run: <c>dotnet run -c Release --project benchmarks/LeNet5.Benchmarks -- --filter '*DataBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class DataBenchmarks
{
    private string _gzipped = string.Empty;
    private string _raw = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _gzipped = MnistLocation.Find();
        _raw = Path.Combine(Path.GetTempPath(), "lenet5-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_raw);
        foreach (DatasetFile file in new[] { MnistFileSet.TrainImages, MnistFileSet.TrainLabels })
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(_gzipped, file.CompressedName)), CompressionMode.Decompress);
            using FileStream output = File.Create(Path.Combine(_raw, file.Name));
            input.CopyTo(output);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_raw, recursive: true);

    [Benchmark(Baseline = true)]
    public MnistDataset LoadTrainingRaw() => MnistDataset.LoadTraining(_raw);

    [Benchmark]
    public MnistDataset LoadTrainingGzip() => MnistDataset.LoadTraining(_gzipped);
}
