namespace LeNet5.Data;

/// <summary>
/// An MNIST-style dataset: unsigned-byte images (28×28 or 32×32) and their labels 0–9, loaded from an IDX pair
/// (raw or gzipped) such as MNIST's or Fashion-MNIST's. The pixels are kept as bytes (47 MB for the MNIST
/// training set rather than 245 MB of floats) and normalised on the way out, exactly as
/// <see cref="Preprocessing"/> says.
/// </summary>
public sealed class MnistDataset : ILabeledImages
{
    /// <summary>The number of classes; labels are 0 to 9.</summary>
    public const int ClassCount = 10;

    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Wraps images and labels already in memory (the arrays are used, not copied).</summary>
    /// <param name="pixels">Count × side × side pixels, image after image, row by row.</param>
    /// <param name="labels">Count labels, each 0 to 9.</param>
    /// <param name="imageSide">28 (centred in 32×32 with a −0.1 border) or 32.</param>
    /// <exception cref="ArgumentException">The side is not 28 or 32, the lengths disagree, or a label is above 9.</exception>
    public MnistDataset(byte[] pixels, byte[] labels, int imageSide)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (imageSide is not (Preprocessing.MnistSide or Preprocessing.InputSide))
        {
            throw new ArgumentException($"The image side must be 28 or 32; it is {imageSide}.", nameof(imageSide));
        }

        if ((long)labels.Length * imageSide * imageSide != pixels.Length)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * imageSide * imageSide} pixels; there are {pixels.Length}.", nameof(pixels));
        }

        int bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(ClassCount - 1));
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {bad} is {labels[bad]}; labels must be 0 to 9.", nameof(labels));
        }

        _pixels = pixels;
        _labels = labels;
        ImageSide = imageSide;
    }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>The side of the stored images: 28 or 32.</summary>
    public int ImageSide { get; }

    /// <summary>The number of pixels per stored image: 784 or 1024.</summary>
    public int ImageSize => ImageSide * ImageSide;

    /// <summary>The labels, one per image.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>All pixels, image after image.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Loads an images file and a labels file (each raw or gzipped).</summary>
    /// <param name="imagesPath">Unsigned-byte IDX, dimensions [N, 28, 28] or [N, 32, 32].</param>
    /// <param name="labelsPath">Unsigned-byte IDX, dimensions [N], values 0 to 9.</param>
    /// <param name="limit">Load only the first <paramref name="limit"/> images and labels; null for all.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="IdxFormatException">A file is malformed or the pair does not fit together.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static MnistDataset Load(string imagesPath, string labelsPath, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        if (limit is int l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        }

        byte[] labels;
        using (IdxReader reader = IdxReader.Open(labelsPath))
        {
            IdxHeader header = reader.Header;
            if (header.ElementType != IdxElementType.UnsignedByte || header.Rank != 1)
            {
                throw new IdxFormatException(labelsPath, $"labels: expected UnsignedByte [N], found {header}.");
            }

            labels = reader.ReadAll<byte>();
        }

        int bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(ClassCount - 1));
        if (bad >= 0)
        {
            throw new IdxFormatException(labelsPath, $"label {bad} is {labels[bad]}: expected 0 to 9.");
        }

        using (IdxReader reader = IdxReader.Open(imagesPath))
        {
            IdxHeader header = reader.Header;
            int side = header.Rank == 3 ? header.Dimensions[1] : 0;
            if (header.ElementType != IdxElementType.UnsignedByte || header.Rank != 3 || header.Dimensions[2] != side
                || side is not (Preprocessing.MnistSide or Preprocessing.InputSide))
            {
                throw new IdxFormatException(imagesPath, $"images: expected UnsignedByte [N, 28, 28] or [N, 32, 32], found {header}.");
            }

            int count = header.Dimensions[0];
            if (count != labels.Length)
            {
                throw new IdxFormatException(imagesPath, $"{count} images, but {labelsPath} has {labels.Length} labels: expected as many of each.");
            }

            if (limit < count)
            {
                count = limit.Value;
                labels = labels[..count];
            }

            long length = (long)count * side * side;
            if (length > Array.MaxLength)
            {
                throw new IdxFormatException(imagesPath, $"{count} images of {side}×{side} are {length} bytes: expected at most {Array.MaxLength} (pass a limit).");
            }

            // One array, filled straight from the file (or the decompressor): no second copy.
            byte[] pixels = GC.AllocateUninitializedArray<byte>((int)length);
            reader.ReadElements<byte>(pixels);
            return new MnistDataset(pixels, labels, side);
        }
    }

    /// <summary>Loads the training set (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, raw or .gz) from a folder.</summary>
    /// <param name="directory">The data folder.</param>
    /// <param name="limit">Load only the first <paramref name="limit"/> images; null for all.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FileNotFoundException">A file is in the folder neither raw nor gzipped.</exception>
    public static MnistDataset LoadTraining(string directory, int? limit = null) => Load(directory, MnistFileSet.TrainImages, MnistFileSet.TrainLabels, limit);

    /// <summary>Loads the test set (<c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, raw or .gz) from a folder.</summary>
    /// <param name="directory">The data folder.</param>
    /// <param name="limit">Load only the first <paramref name="limit"/> images; null for all.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FileNotFoundException">A file is in the folder neither raw nor gzipped.</exception>
    public static MnistDataset LoadTest(string directory, int? limit = null) => Load(directory, MnistFileSet.TestImages, MnistFileSet.TestLabels, limit);

    /// <summary>The label of image <paramref name="index"/>.</summary>
    /// <param name="index">0 to <see cref="Count"/> − 1.</param>
    /// <returns>0 to 9.</returns>
    public byte Label(int index) => _labels[index];

    /// <inheritdoc/>
    int ILabeledImages.Label(int index) => _labels[index];

    /// <summary>The stored pixels of image <paramref name="index"/>.</summary>
    /// <param name="index">0 to <see cref="Count"/> − 1.</param>
    /// <returns><see cref="ImageSize"/> bytes, row by row.</returns>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>Writes the network input of image <paramref name="index"/>: 1024 floats, normalised and padded.</summary>
    /// <param name="index">0 to <see cref="Count"/> − 1.</param>
    /// <param name="destination1024">1024 floats.</param>
    public void CopyInput(int index, Span<float> destination1024)
    {
        ReadOnlySpan<byte> image = Image(index);
        if (ImageSide == Preprocessing.MnistSide)
        {
            Preprocessing.Normalize28x28(image, destination1024);
        }
        else
        {
            Preprocessing.Normalize32x32(image, destination1024);
        }
    }

    /// <summary>Writes the network inputs of several images, one after another: N × 1024 floats.</summary>
    /// <param name="indices">The N images.</param>
    /// <param name="destination">Exactly N × 1024 floats.</param>
    /// <exception cref="ArgumentException">The destination's length is not N × 1024.</exception>
    public void CopyInputs(ReadOnlySpan<int> indices, Span<float> destination)
    {
        if ((long)indices.Length * Preprocessing.InputSize != destination.Length)
        {
            throw new ArgumentException($"{indices.Length} inputs need {(long)indices.Length * Preprocessing.InputSize} floats; the destination has {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < indices.Length; i++)
        {
            CopyInput(indices[i], destination.Slice(i * Preprocessing.InputSize, Preprocessing.InputSize));
        }
    }

    /// <summary>Copies the labels of several images.</summary>
    /// <param name="indices">The N images.</param>
    /// <param name="destination">Exactly N bytes.</param>
    /// <exception cref="ArgumentException">The destination's length is not N.</exception>
    public void CopyLabels(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        if (indices.Length != destination.Length)
        {
            throw new ArgumentException($"{indices.Length} labels need as many bytes; the destination has {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < indices.Length; i++)
        {
            destination[i] = _labels[indices[i]];
        }
    }

    /// <summary>A seeded permutation of the indices 0 … <see cref="Count"/> − 1 (see <see cref="SeededShuffle"/>).</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The shuffled indices.</returns>
    public int[] ShuffledIndices(long seed) => SeededShuffle.Permutation(Count, seed);

    /// <summary>A new dataset holding the same images and labels in a seeded random order.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The shuffled copy.</returns>
    public MnistDataset Shuffled(long seed) => Select(ShuffledIndices(seed));

    /// <summary>A new dataset holding the first <paramref name="count"/> images (or all, if fewer).</summary>
    /// <param name="count">How many to keep.</param>
    /// <returns>The copy.</returns>
    public MnistDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        count = Math.Min(count, Count);
        return new MnistDataset(_pixels[..(count * ImageSize)], _labels[..count], ImageSide);
    }

    /// <summary>A new dataset holding the given images, in the given order.</summary>
    /// <param name="indices">Indices into this dataset.</param>
    /// <returns>The copy.</returns>
    public MnistDataset Select(ReadOnlySpan<int> indices)
    {
        var pixels = GC.AllocateUninitializedArray<byte>(indices.Length * ImageSize);
        var labels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize, ImageSize));
            labels[i] = _labels[indices[i]];
        }

        return new MnistDataset(pixels, labels, ImageSide);
    }

    private static MnistDataset Load(string directory, DatasetFile images, DatasetFile labels, int? limit)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string imagesPath = images.Find(directory) ?? throw NotFound(directory, images);
        string labelsPath = labels.Find(directory) ?? throw NotFound(directory, labels);
        return Load(imagesPath, labelsPath, limit);
    }

    private static FileNotFoundException NotFound(string directory, DatasetFile file) =>
        new($"Neither {file.Name} nor {file.CompressedName} is in {Path.GetFullPath(directory)}.", Path.Combine(directory, file.CompressedName));
}
