namespace LeNet5.Data;

/// <summary>
/// The four files of MNIST (and of Fashion-MNIST, which uses the same names): the name of each and the SHA-256 of
/// the original MNIST's decompressed content.
/// </summary>
public static class MnistFileSet
{
    /// <summary>The 60,000 training images, 28×28 unsigned bytes.</summary>
    public static DatasetFile TrainImages { get; } = new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");

    /// <summary>The 60,000 training labels.</summary>
    public static DatasetFile TrainLabels { get; } = new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");

    /// <summary>The 10,000 test images.</summary>
    public static DatasetFile TestImages { get; } = new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");

    /// <summary>The 10,000 test labels.</summary>
    public static DatasetFile TestLabels { get; } = new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /// <summary>All four: training images and labels, test images and labels.</summary>
    public static IReadOnlyList<DatasetFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The files of <see cref="All"/> that are in <paramref name="directory"/> neither raw nor gzipped.</summary>
    /// <param name="directory">The data folder.</param>
    /// <returns>The missing files; empty when all four are there.</returns>
    public static IReadOnlyList<DatasetFile> Missing(string directory) => All.Where(f => f.Find(directory) is null).ToArray();
}
