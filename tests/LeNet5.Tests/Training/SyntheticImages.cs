using LeNet5.Data;

namespace LeNet5.Tests.Training;

/// <summary>A small learnable set: each class is a bright bar at its own place over light noise, normalised like MNIST.</summary>
internal sealed class SyntheticImages : ILabeledImages
{
    private readonly float[] _images;
    private readonly int[] _labels;

    public SyntheticImages(int count, int seed, bool poisonLast = false)
    {
        var random = new Random(seed);
        _images = new float[count * 1024];
        _labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(10);
            _labels[i] = label;
            Span<float> image = _images.AsSpan(i * 1024, 1024);
            for (int p = 0; p < 1024; p++)
                image[p] = -0.1f + (0.2f * (float)random.NextDouble());
            int row = 4 + (2 * label) + random.Next(2);
            for (int x = 6; x < 26; x++)
            {
                image[(row * 32) + x] = 1.175f;
                image[((row + 1) * 32) + x] = 1.175f;
            }
        }
        if (poisonLast)
            _images[^1] = float.NaN;
    }

    public int Count => _labels.Length;

    public void CopyInputs(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++)
            _images.AsSpan(indices[i] * 1024, 1024).CopyTo(destination.Slice(i * 1024, 1024));
    }

    public int Label(int index) => _labels[index];
}
