using System.Numerics.Tensors;

namespace LeNet5.Kernels;

/// <summary>
/// A fully connected layer for one input vector: y = W·x + b with W (outputs, inputs) row-major, and its
/// gradients. Each row is one <see cref="TensorPrimitives"/> call, which vectorises the 400/120/84-long rows.
/// </summary>
internal static class DenseKernels
{
    /// <summary>output[o] = bias[o] + W[o]·input. weights (outputs, inputs), bias (outputs), input (inputs) -> output (outputs).</summary>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, Span<float> output)
    {
        int inputs = input.Length, outputs = output.Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, inputs * outputs, nameof(weights));
        ArgumentOutOfRangeException.ThrowIfNotEqual(bias.Length, outputs, nameof(bias));
        for (int o = 0; o < outputs; o++)
            output[o] = bias[o] + TensorPrimitives.Dot(weights.Slice(o * inputs, inputs), input);
    }

    /// <summary>weightGradient[o] += outputGradient[o]·input; biasGradient += outputGradient.</summary>
    public static void AccumulateGradients(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient)
    {
        int inputs = input.Length, outputs = outputGradient.Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(weightGradient.Length, inputs * outputs, nameof(weightGradient));
        ArgumentOutOfRangeException.ThrowIfNotEqual(biasGradient.Length, outputs, nameof(biasGradient));
        for (int o = 0; o < outputs; o++)
        {
            Span<float> row = weightGradient.Slice(o * inputs, inputs);
            TensorPrimitives.MultiplyAdd(input, outputGradient[o], row, row);
        }
        TensorPrimitives.Add(biasGradient, outputGradient, biasGradient);
    }

    /// <summary>inputGradient = Wᵀ·outputGradient (overwrites).</summary>
    public static void InputGradient(ReadOnlySpan<float> weights, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        int inputs = inputGradient.Length, outputs = outputGradient.Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, inputs * outputs, nameof(weights));
        inputGradient.Clear();
        for (int o = 0; o < outputs; o++)
            TensorPrimitives.MultiplyAdd(weights.Slice(o * inputs, inputs), outputGradient[o], inputGradient, inputGradient);
    }
}
