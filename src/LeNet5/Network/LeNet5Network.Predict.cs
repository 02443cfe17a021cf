using System.Buffers;
using System.Collections.Concurrent;
using LeNet5.Data;
using LeNet5.Model;

namespace LeNet5.Network;

/// <summary>One-call inference on a single image, and training calls that take the dataset's byte labels.</summary>
public sealed partial class LeNet5Network
{
    /// <summary>Labels up to this many are converted on the stack; more are converted in a pooled array.</summary>
    private const int StackLabels = 256;

    /// <summary>Single-image workspaces, taken by one call at a time and returned: one per thread predicting at once.</summary>
    private readonly ConcurrentBag<NetworkWorkspace> _singleImageWorkspaces = [];

    /// <summary>
    /// Classifies one digit image with MNIST's preprocessing (Section II-B): a 28×28 image is centred in the
    /// 32×32 input field, and every pixel p becomes −0.1 + 1.275·p/255, as <see cref="Preprocessing"/> says;
    /// a 32×32 image is normalised without padding.
    /// </summary>
    /// <param name="image">784 bytes (28×28) or 1,024 bytes (32×32), row by row, 0 the background and 255 full ink,
    /// as MNIST stores them (<see cref="MnistDataset.Image(int)"/>).</param>
    /// <returns>The digit, the ten scores and the ten probabilities.</returns>
    /// <exception cref="ArgumentException">The image is neither 784 nor 1,024 bytes.</exception>
    /// <remarks>
    /// Thread-safe: inference reads the network and never writes it, and each call runs in a workspace no other
    /// call is using (kept by the network for reuse; one is created the first time a thread has none free). Do not
    /// change <see cref="Parameters"/> or train the network while predicting. Each call allocates its result (the
    /// <see cref="Prediction"/> and its two arrays of ten floats); for many images without allocation use
    /// <see cref="Predict(NetworkWorkspace, ReadOnlySpan{float}, Span{int}, Span{float})"/> with your own workspace.
    /// </remarks>
    public Prediction Predict(ReadOnlySpan<byte> image)
    {
        Span<float> input = stackalloc float[InputSize];
        if (image.Length == Preprocessing.MnistSize)
        {
            Preprocessing.Normalize28x28(image, input);
        }
        else if (image.Length == InputSize)
        {
            Preprocessing.Normalize32x32(image, input);
        }
        else
        {
            throw new ArgumentException(
                $"A digit image must be 28×28 ({Preprocessing.MnistSize} bytes) or 32×32 ({InputSize} bytes); got {image.Length} bytes.", nameof(image));
        }

        return PredictNormalized(input);
    }

    /// <summary>
    /// Classifies one network input: a 32×32 image already normalised as the network expects (background −0.1,
    /// full ink 1.175; <see cref="Preprocessing.Normalize28x28"/> makes one from an MNIST digit).
    /// </summary>
    /// <param name="image">1,024 finite floats, row by row.</param>
    /// <returns>The digit, the ten scores and the ten probabilities.</returns>
    /// <exception cref="ArgumentException">The image is not 1,024 floats, or holds a NaN or an infinity.</exception>
    /// <remarks>Thread-safe and allocating its result, as <see cref="Predict(ReadOnlySpan{byte})"/> is.</remarks>
    public Prediction Predict(ReadOnlySpan<float> image)
    {
        if (image.Length != InputSize)
        {
            throw new ArgumentException(
                $"A network input must be one normalised 32×32 image ({InputSize} floats); got {image.Length} floats.", nameof(image));
        }

        for (int i = 0; i < image.Length; i++)
        {
            if (!float.IsFinite(image[i]))
            {
                throw new ArgumentException($"Pixel {i} (row {i / InputSide}, column {i % InputSide}) of the input is {image[i]}; every pixel must be finite.", nameof(image));
            }
        }

        return PredictNormalized(image);
    }

    /// <summary>
    /// As <see cref="ComputeGradients(NetworkWorkspace, ReadOnlySpan{float}, ReadOnlySpan{int}, bool)"/>, with the
    /// labels as bytes, the way <see cref="MnistDataset.Labels"/> and <see cref="MnistDataset.CopyLabels"/> give them.
    /// </summary>
    /// <param name="workspace">A workspace of this network holding at least the batch.</param>
    /// <param name="inputs">Whole normalised 32×32 images, 1,024 floats each.</param>
    /// <param name="labels">One label, 0 to 9, per image.</param>
    /// <param name="computeInputGradients">Whether to fill <see cref="NetworkWorkspace.InputGradients"/> too.</param>
    /// <returns>The summed loss of the batch.</returns>
    /// <exception cref="ArgumentException">The inputs are not whole images or exceed the workspace, or the workspace is another network's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The number of labels is not the number of images, or a label is above 9.</exception>
    public float ComputeGradients(NetworkWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<byte> labels, bool computeInputGradients = false)
    {
        int[]? rented = labels.Length > StackLabels ? ArrayPool<int>.Shared.Rent(labels.Length) : null;
        try
        {
            Span<int> converted = rented is null ? stackalloc int[StackLabels] : rented;
            converted = converted[..labels.Length];
            Widen(labels, converted);
            return ComputeGradients(workspace, inputs, converted, computeInputGradients);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static void Widen(ReadOnlySpan<byte> labels, Span<int> destination)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            destination[i] = labels[i];
        }
    }

    private Prediction PredictNormalized(ReadOnlySpan<float> input)
    {
        if (!_singleImageWorkspaces.TryTake(out NetworkWorkspace? workspace))
        {
            workspace = CreateWorkspace(1);
        }

        var scores = new float[Classes];
        try
        {
            Forward(workspace, input).CopyTo(scores);
        }
        finally
        {
            _singleImageWorkspaces.Add(workspace);
        }

        int digit = _loss.Predict(scores);
        return new Prediction(Definition.Architecture, digit, scores, Probabilities(scores, Definition.Architecture));
    }

    /// <summary>Classic: softmax(−y); Modern: softmax(z). In double, the largest exponent shifted to 0.</summary>
    private static float[] Probabilities(ReadOnlySpan<float> scores, Architecture architecture)
    {
        double sign = architecture == Architecture.Classic ? -1 : 1;
        double largest = double.NegativeInfinity;
        foreach (float score in scores)
        {
            largest = Math.Max(largest, sign * score);
        }

        Span<double> exponentials = stackalloc double[scores.Length];
        double total = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            exponentials[i] = Math.Exp((sign * scores[i]) - largest);
            total += exponentials[i];
        }

        var probabilities = new float[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            probabilities[i] = (float)(exponentials[i] / total);
        }

        return probabilities;
    }
}
