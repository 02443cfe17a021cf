using LeNet5.Data;
using LeNet5.Network;

namespace LeNet5.Mnist.Bench;

/// <summary>
/// The images the benchmark runs on, already normalised: the first training images of MNIST when they are in the
/// data folder, else generated digit-like strokes (the speed does not depend on the pixels). As a training set
/// it has any <see cref="Count"/> asked for, cycling through the images, so that a timed pass can be as long as
/// needed without holding more than a few megabytes.
/// </summary>
internal sealed class BenchImages : ILabeledImages
{
    private readonly float[] _images;
    private readonly int[] _labels;

    private BenchImages(float[] images, int[] labels, string source, int count)
    {
        _images = images;
        _labels = labels;
        Source = source;
        Count = count;
    }

    /// <summary>Distinct images held.</summary>
    public int Distinct => _labels.Length;

    /// <summary>Where the images came from, for the report.</summary>
    public string Source { get; }

    /// <summary>Whether they are MNIST's.</summary>
    public bool IsMnist => Source.StartsWith("MNIST", StringComparison.Ordinal);

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>All distinct images, <see cref="LeNet5Network.InputSize"/> floats each.</summary>
    public ReadOnlySpan<float> Inputs => _images;

    /// <summary>The same images as a training set of <paramref name="count"/> (cycling through them).</summary>
    public BenchImages WithCount(int count) => new(_images, _labels, Source, count);

    /// <summary>The first <paramref name="count"/> MNIST training images if the data folder holds that many, else generated ones.</summary>
    public static BenchImages Load(string? dataDirectory, int count)
    {
        string directory = DataDirectory.Resolve(dataDirectory);
        if (MnistFileSet.TrainImages.Find(directory) is not null && MnistFileSet.TrainLabels.Find(directory) is not null)
        {
            var mnist = MnistDataset.LoadTraining(directory, count);
            if (mnist.Count < count)
                return Generate(count, $"generated images (the MNIST training files in {directory} hold only {mnist.Count:N0} images; the bench uses {count:N0})");
            var images = new float[mnist.Count * LeNet5Network.InputSize];
            var labels = new int[mnist.Count];
            int[] indices = Enumerable.Range(0, mnist.Count).ToArray();
            mnist.CopyInputs(indices, images);
            for (int i = 0; i < labels.Length; i++)
                labels[i] = mnist.Label(i);
            return new BenchImages(images, labels, $"MNIST, the first {mnist.Count:N0} training images in {directory}", mnist.Count);
        }
        return Generate(count, $"generated images (no MNIST training files in {directory}, {DataDirectory.Origin(dataDirectory, explicitSource: Cli.DataOptionName)})");
    }

    private static BenchImages Generate(int count, string source)
    {
        var random = new Random(1998);
        var images = new float[count * LeNet5Network.InputSize];
        var labels = new int[count];
        images.AsSpan().Fill(-0.1f);
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(LeNet5Network.Classes);
            Span<float> image = images.AsSpan(i * LeNet5Network.InputSize, LeNet5Network.InputSize);
            for (int stroke = 0; stroke < 3; stroke++)
            {
                int x = random.Next(6, 26), y = random.Next(6, 26), dx = random.Next(-1, 2), dy = random.Next(-1, 2);
                for (int s = 0; s < 14; s++, x = Math.Clamp(x + dx, 2, 29), y = Math.Clamp(y + dy, 2, 29))
                {
                    image[(y * LeNet5Network.InputSide) + x] = 1.175f;
                    image[(y * LeNet5Network.InputSide) + x + 1] = 0.5f;
                }
            }
        }
        return new BenchImages(images, labels, source, count);
    }

    /// <inheritdoc/>
    public void CopyInputs(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            _images.AsSpan(indices[i] % Distinct * LeNet5Network.InputSize, LeNet5Network.InputSize)
                .CopyTo(destination.Slice(i * LeNet5Network.InputSize, LeNet5Network.InputSize));
        }
    }

    /// <inheritdoc/>
    public int Label(int index) => _labels[index % Distinct];
}
