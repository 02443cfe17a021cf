namespace LeNet5.Data;

/// <summary>A set of labelled images the network can train or be evaluated on.</summary>
public interface ILabeledImages
{
    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Writes the network inputs of the images at <paramref name="indices"/>, 32×32 floats each, one after another.</summary>
    void CopyInputs(ReadOnlySpan<int> indices, Span<float> destination);

    /// <summary>The class (0–9) of image <paramref name="index"/>.</summary>
    int Label(int index);
}
