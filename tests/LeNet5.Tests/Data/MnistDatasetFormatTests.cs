using LeNet5.Data;

namespace LeNet5.Tests.Data;

/// <summary>Image/label pairs that do not fit together, on small synthetic files.</summary>
public class MnistDatasetFormatTests
{
    [Fact]
    public void A32x32Pair_LoadsWithoutPadding()
    {
        using var temp = new TempDirectory();
        byte[] pixels = Enumerable.Range(0, 3 * 1024).Select(i => (byte)(i * 13)).ToArray();
        IdxWriter.WriteFile(temp.File("images"), pixels, [3, 32, 32]);
        IdxWriter.WriteFile(temp.File("labels"), new byte[] { 9, 0, 4 }, [3], gzip: true);

        MnistDataset data = MnistDataset.Load(temp.File("images"), temp.File("labels"));
        Assert.Equal(32, data.ImageSide);
        Assert.Equal(new byte[] { 9, 0, 4 }, data.Labels.ToArray());
        var inputs = new float[2 * 1024];
        data.CopyInputs([2, 0], inputs);
        for (int i = 0; i < 1024; i++)
        {
            Assert.Equal(Preprocessing.Normalize(pixels[(2 * 1024) + i]), inputs[i]);
            Assert.Equal(Preprocessing.Normalize(pixels[i]), inputs[1024 + i]);
        }

        var labels = new byte[2];
        data.CopyLabels([2, 0], labels);
        Assert.Equal(new byte[] { 4, 9 }, labels);
        Assert.Throws<ArgumentException>(() => data.CopyInputs([0], new float[1023]));
        Assert.Throws<ArgumentException>(() => data.CopyLabels([0], new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.CopyInput(3, new float[1024]));
    }

    public static TheoryData<string, uint[], byte, uint[], byte[], string> BadPairs() => new()
    {
        { "count mismatch", [3, 28, 28], 0x08, [2], [1, 2], "3 images, but" },
        { "label above 9", [2, 28, 28], 0x08, [2], [1, 10], "label 1 is 10: expected 0 to 9" },
        { "images of rank 2", [2, 784], 0x08, [2], [1, 2], "images: expected UnsignedByte [N, 28, 28] or [N, 32, 32], found UnsignedByte [2, 784]" },
        { "images 27x27", [2, 27, 27], 0x08, [2], [1, 2], "found UnsignedByte [2, 27, 27]" },
        { "images 28x32", [2, 28, 32], 0x08, [2], [1, 2], "found UnsignedByte [2, 28, 32]" },
        { "labels of rank 2", [2, 28, 28], 0x08, [2, 1], [1, 2], "labels: expected UnsignedByte [N], found UnsignedByte [2, 1]" },
        { "signed labels", [2, 28, 28], 0x09, [2], [1, 2], "labels: expected UnsignedByte [N], found SignedByte [2]" },
    };

    [Theory]
    [MemberData(nameof(BadPairs))]
    public void PairsThat_DoNotFitAreRejectedByName(string name, uint[] imageDimensions, byte labelType, uint[] labelDimensions, byte[] labels, string expected)
    {
        _ = name;
        using var temp = new TempDirectory();
        long pixels = imageDimensions.Aggregate(1L, (a, b) => a * b);
        File.WriteAllBytes(temp.File("images"), IdxBytes.Make(0x08, imageDimensions, new byte[pixels]));
        File.WriteAllBytes(temp.File("labels"), IdxBytes.Make(labelType, labelDimensions, labels));

        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => MnistDataset.Load(temp.File("images"), temp.File("labels")));
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), ex.Message);
        Assert.Contains(temp.Path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesStoredAsFloats_AreRejected()
    {
        using var temp = new TempDirectory();
        IdxWriter.WriteFile(temp.File("images"), new float[2 * 784], [2, 28, 28]);
        IdxWriter.WriteFile(temp.File("labels"), new byte[] { 1, 2 }, [2]);
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => MnistDataset.Load(temp.File("images"), temp.File("labels")));
        Assert.Contains("found Float32 [2, 28, 28]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFilesAndBadArguments()
    {
        using var temp = new TempDirectory();
        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(() => MnistDataset.LoadTraining(temp.Path));
        Assert.Contains("Neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz is in " + temp.Path, ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MnistDataset.Load("a", "b", limit: 0));
        Assert.Throws<ArgumentException>(() => new MnistDataset(new byte[784], [10], 28));
        Assert.Throws<ArgumentException>(() => new MnistDataset(new byte[784], [1, 2], 28));
        Assert.Throws<ArgumentException>(() => new MnistDataset(new byte[900], [1], 30));
    }

    [Fact]
    public void Raw_IsPreferredWhenBothFormsArePresent()
    {
        using var temp = new TempDirectory();
        IdxWriter.WriteFile(temp.File("t10k-images-idx3-ubyte"), new byte[784], [1, 28, 28]);
        IdxWriter.WriteFile(temp.File("t10k-images-idx3-ubyte.gz"), new byte[2 * 784], [2, 28, 28], gzip: true);
        IdxWriter.WriteFile(temp.File("t10k-labels-idx1-ubyte.gz"), new byte[] { 3 }, [1], gzip: true);
        Assert.Equal(temp.File("t10k-images-idx3-ubyte"), MnistFileSet.TestImages.Find(temp.Path));
        Assert.Equal(1, MnistDataset.LoadTest(temp.Path).Count);
        Assert.Equal(2, MnistFileSet.Missing(temp.Path).Count);
    }

    [Fact]
    public void FashionMnist_LoadsWhenInstalled()
    {
        const string directory = "/usr/share/datasets/fashion-mnist";
        Assert.SkipUnless(Directory.Exists(directory), "apt-get install dataset-fashion-mnist puts Fashion-MNIST in " + directory);
        MnistDataset training = MnistDataset.LoadTraining(directory);
        MnistDataset test = MnistDataset.LoadTest(directory);
        Assert.Equal(60_000, training.Count);
        Assert.Equal(10_000, test.Count);
        for (byte label = 0; label < 10; label++)
        {
            Assert.Equal(1000, test.Labels.Count(label));
        }
    }
}
