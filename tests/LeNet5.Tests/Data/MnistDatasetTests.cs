using System.IO.Compression;
using LeNet5.Data;

namespace LeNet5.Tests.Data;

/// <summary>Loads the committed MNIST subset (raw copies are made in a temporary folder, once for the class).</summary>
public sealed class MnistSubsetFixture : IDisposable
{
    private readonly TempDirectory _raw = new();

    public MnistSubsetFixture()
    {
        Gzipped = TestPaths.MnistSubsetDirectory;
        foreach (DatasetFile file in MnistFileSet.All)
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(Gzipped, file.CompressedName)), CompressionMode.Decompress);
            using FileStream output = File.Create(_raw.File(file.Name));
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

/// <summary>The dataset on real MNIST digits: the subset committed in TestData/mnist, the first images of each file.</summary>
public class MnistDatasetTests(MnistSubsetFixture mnist) : IClassFixture<MnistSubsetFixture>
{
    [Fact]
    public void TheSubsetHasTheFirst2000TrainingAnd1000TestImagesOf28x28()
    {
        Assert.Equal(TestPaths.SubsetTrainingCount, mnist.Training.Count);
        Assert.Equal(TestPaths.SubsetTestCount, mnist.Test.Count);
        Assert.Equal(28, mnist.Training.ImageSide);
        Assert.Equal(28, mnist.Test.ImageSide);
        Assert.Equal(TestPaths.SubsetTrainingCount * 784, mnist.Training.Pixels.Length);
        Assert.Equal(TestPaths.SubsetTestCount * 784, mnist.Test.Pixels.Length);
        // MNIST's first digits, as published: the training set starts 5 0 4 1 9, the test set 7 2 1 0 4.
        Assert.Equal(new byte[] { 5, 0, 4, 1, 9 }, mnist.Training.Labels[..5].ToArray());
        Assert.Equal(new byte[] { 7, 2, 1, 0, 4 }, mnist.Test.Labels[..5].ToArray());
    }

    [Fact]
    public void TestSetLabelHistogramAndTheSubset_IsItsPrefix()
    {
        byte[] all;
        using (IdxReader reader = IdxReader.Open(TestPaths.FullTestLabelsFile))
        {
            all = reader.ReadAll<byte>();
        }

        var histogram = new int[10];
        foreach (byte label in all)
        {
            histogram[label]++;
        }

        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, histogram);
        Assert.True(mnist.Test.Labels.SequenceEqual(all.AsSpan(0, mnist.Test.Count)));
    }

    [Fact]
    public async Task TheOriginalTestLabelsHaveThePublishedSha256()
        => Assert.Null(await DatasetDownloader.CheckAsync(TestPaths.FullTestLabelsFile, MnistFileSet.TestLabels, TestContext.Current.CancellationToken));

    [Fact]
    public void GzippedAndRawFiles_GiveIdenticalData()
    {
        MnistDataset training = MnistDataset.LoadTraining(mnist.Raw);
        MnistDataset test = MnistDataset.LoadTest(mnist.Raw);
        Assert.True(training.Pixels.SequenceEqual(mnist.Training.Pixels));
        Assert.True(training.Labels.SequenceEqual(mnist.Training.Labels));
        Assert.True(test.Pixels.SequenceEqual(mnist.Test.Pixels));
        Assert.True(test.Labels.SequenceEqual(mnist.Test.Labels));
    }

    [Fact]
    public void Inputs_AreNormalisedAndPaddedAsThePaperSays()
    {
        int count = mnist.Test.Count;
        var inputs = new float[count * 1024];
        int[] all = Enumerable.Range(0, count).ToArray();
        mnist.Test.CopyInputs(all, inputs);

        Assert.Equal(-0.1f, inputs.Min());
        Assert.Equal(1.175f, inputs.Max(), 1e-6f);
        for (int image = 0; image < count; image += 97)
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
        mnist.Test.CopyInput(432, one);
        Assert.True(one.AsSpan().SequenceEqual(inputs.AsSpan(432 * 1024, 1024)));
        Preprocessing.Normalize28x28(mnist.Test.Image(432), one);
        Assert.True(one.AsSpan().SequenceEqual(inputs.AsSpan(432 * 1024, 1024)));
    }

    [Fact]
    public void ALimit_LoadsTheFirstImages()
    {
        MnistDataset first = MnistDataset.LoadTraining(mnist.Gzipped, limit: 1000);
        Assert.Equal(1000, first.Count);
        Assert.True(first.Pixels.SequenceEqual(mnist.Training.Pixels[..(1000 * 784)]));
        Assert.True(first.Labels.SequenceEqual(mnist.Training.Labels[..1000]));
        Assert.Equal(mnist.Test.Count, MnistDataset.LoadTest(mnist.Raw, limit: 50_000).Count);
    }

    [Fact]
    public void ASeededShuffle_IsDeterministicAndKeepsPairsTogether()
    {
        MnistDataset a = mnist.Test.Shuffled(seed: 42);
        MnistDataset b = mnist.Test.Shuffled(seed: 42);
        MnistDataset c = mnist.Test.Shuffled(seed: 43);
        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
        Assert.False(a.Pixels.SequenceEqual(c.Pixels));

        int[] order = mnist.Test.ShuffledIndices(42);
        for (int i = 0; i < mnist.Test.Count; i += 51)
        {
            Assert.True(a.Image(i).SequenceEqual(mnist.Test.Image(order[i])));
            Assert.Equal(mnist.Test.Label(order[i]), a.Label(i));
        }
    }
}

/// <summary>
/// The full MNIST in the data folder (<c>LENET5_DATA</c>, else the per-user cache): skipped, saying so, where it is absent (a fresh clone).
/// </summary>
public class FullMnistDatasetTests
{
    [Fact]
    public void RealMnistHas60000TrainingAnd10000TestImagesOf28x28()
    {
        string directory = TestPaths.FullMnistDirectory;
        MnistDataset training = MnistDataset.LoadTraining(directory);
        MnistDataset test = MnistDataset.LoadTest(directory);
        Assert.Equal(60_000, training.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(28, training.ImageSide);
        Assert.Equal(60_000 * 784, training.Pixels.Length);
        Assert.Equal(10_000 * 784, test.Pixels.Length);
    }

    [Fact]
    public async Task EveryFileHasThePublishedSha256()
    {
        string directory = TestPaths.FullMnistDirectory;
        foreach (DatasetFile file in MnistFileSet.All)
        {
            Assert.Null(await DatasetDownloader.CheckAsync(Path.Combine(directory, file.CompressedName), file, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void TheCommittedSubset_IsTheFirstImagesOfEachFile()
    {
        string directory = TestPaths.FullMnistDirectory;
        MnistDataset subsetTraining = MnistDataset.LoadTraining(TestPaths.MnistSubsetDirectory);
        MnistDataset subsetTest = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory);
        MnistDataset training = MnistDataset.LoadTraining(directory, subsetTraining.Count);
        MnistDataset test = MnistDataset.LoadTest(directory, subsetTest.Count);
        Assert.True(subsetTraining.Pixels.SequenceEqual(training.Pixels));
        Assert.True(subsetTraining.Labels.SequenceEqual(training.Labels));
        Assert.True(subsetTest.Pixels.SequenceEqual(test.Pixels));
        Assert.True(subsetTest.Labels.SequenceEqual(test.Labels));
        Assert.True(File.ReadAllBytes(TestPaths.FullTestLabelsFile).SequenceEqual(File.ReadAllBytes(Path.Combine(directory, MnistFileSet.TestLabels.CompressedName))));
    }
}
