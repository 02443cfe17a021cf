using System.IO.Compression;
using LeNet5.Data;

namespace LeNet5.Tests.Data;

/// <summary>Loads the real MNIST (raw copies are made in a temporary folder, once for the class).</summary>
public sealed class RealMnistFixture : IDisposable
{
    private readonly TempDirectory _raw = new();

    public RealMnistFixture()
    {
        Gzipped = TestPaths.MnistDirectory;
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(Gzipped, name + ".gz")), CompressionMode.Decompress);
            using FileStream output = File.Create(_raw.File(name));
            input.CopyTo(output);
        }

        Training = MnistDataset.LoadTraining(Gzipped);
        Test = MnistDataset.LoadTest(Gzipped);
    }

    public string Gzipped { get; }

    public string Raw => _raw.Path;

    public MnistDataset Training { get; }

    public MnistDataset Test { get; }

    public void Dispose() => _raw.Dispose();
}

public class MnistDatasetTests(RealMnistFixture mnist) : IClassFixture<RealMnistFixture>
{
    [Fact]
    public void Real_mnist_has_60000_training_and_10000_test_images_of_28x28()
    {
        Assert.Equal(60_000, mnist.Training.Count);
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.Equal(28, mnist.Training.ImageSide);
        Assert.Equal(60_000 * 784, mnist.Training.Pixels.Length);
        Assert.Equal(10_000 * 784, mnist.Test.Pixels.Length);
    }

    [Fact]
    public void Test_set_label_histogram()
    {
        var histogram = new int[10];
        foreach (byte label in mnist.Test.Labels)
        {
            histogram[label]++;
        }

        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, histogram);
        Assert.Equal(7, mnist.Test.Label(0));
        Assert.Equal(5, mnist.Training.Label(0));
    }

    [Fact]
    public void Gzipped_and_raw_files_give_identical_data()
    {
        MnistDataset training = MnistDataset.LoadTraining(mnist.Raw);
        MnistDataset test = MnistDataset.LoadTest(mnist.Raw);
        Assert.True(training.Pixels.SequenceEqual(mnist.Training.Pixels));
        Assert.True(training.Labels.SequenceEqual(mnist.Training.Labels));
        Assert.True(test.Pixels.SequenceEqual(mnist.Test.Pixels));
        Assert.True(test.Labels.SequenceEqual(mnist.Test.Labels));
    }

    [Fact]
    public async Task Decompressed_files_have_the_published_sha256()
    {
        foreach (DatasetFile file in MnistFileSet.All)
        {
            Assert.Null(await DatasetDownloader.CheckAsync(Path.Combine(mnist.Gzipped, file.CompressedName), file, TestContext.Current.CancellationToken));
            Assert.Null(await DatasetDownloader.CheckAsync(Path.Combine(mnist.Raw, file.Name), file, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void Inputs_are_normalised_and_padded_as_the_paper_says()
    {
        var inputs = new float[10_000 * 1024];
        int[] all = Enumerable.Range(0, 10_000).ToArray();
        mnist.Test.CopyInputs(all, inputs);

        Assert.Equal(-0.1f, inputs.Min());
        Assert.Equal(1.175f, inputs.Max(), 1e-6f);
        for (int image = 0; image < 10_000; image += 997)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(image * 1024, 1024);
            ReadOnlySpan<byte> pixels = mnist.Test.Image(image);
            for (int row = 0; row < 32; row++)
            {
                for (int column = 0; column < 32; column++)
                {
                    bool border = row < 2 || row >= 30 || column < 2 || column >= 30;
                    float expected = border ? -0.1f : (float)(-0.1 + (1.275 * pixels[((row - 2) * 28) + column - 2] / 255));
                    Assert.Equal(expected, input[(row * 32) + column]);
                }
            }
        }

        var one = new float[1024];
        mnist.Test.CopyInput(4321, one);
        Assert.True(one.AsSpan().SequenceEqual(inputs.AsSpan(4321 * 1024, 1024)));
        Preprocessing.Normalize28x28(mnist.Test.Image(4321), one);
        Assert.True(one.AsSpan().SequenceEqual(inputs.AsSpan(4321 * 1024, 1024)));
    }

    [Fact]
    public void A_limit_loads_the_first_images()
    {
        MnistDataset first = MnistDataset.LoadTraining(mnist.Gzipped, limit: 1000);
        Assert.Equal(1000, first.Count);
        Assert.True(first.Pixels.SequenceEqual(mnist.Training.Pixels[..(1000 * 784)]));
        Assert.True(first.Labels.SequenceEqual(mnist.Training.Labels[..1000]));
        Assert.Equal(10_000, MnistDataset.LoadTest(mnist.Raw, limit: 50_000).Count);
    }

    [Fact]
    public void A_seeded_shuffle_is_deterministic_and_keeps_pairs_together()
    {
        MnistDataset a = mnist.Test.Shuffled(seed: 42);
        MnistDataset b = mnist.Test.Shuffled(seed: 42);
        MnistDataset c = mnist.Test.Shuffled(seed: 43);
        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
        Assert.False(a.Pixels.SequenceEqual(c.Pixels));

        int[] order = mnist.Test.ShuffledIndices(42);
        for (int i = 0; i < 10_000; i += 501)
        {
            Assert.True(a.Image(i).SequenceEqual(mnist.Test.Image(order[i])));
            Assert.Equal(mnist.Test.Label(order[i]), a.Label(i));
        }
    }
}
