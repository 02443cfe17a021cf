using System.Numerics.Tensors;

namespace LeNet5.Training;

/// <summary>Adam (Kingma and Ba, 2015) with bias correction: the usual choice for the Modern network.</summary>
public sealed class Adam : Optimizer
{
    private readonly float[] _first;
    private readonly float[] _second;
    private readonly float[] _scratch;
    private readonly float[] _steps = [0];

    /// <summary>An optimiser for <paramref name="parameterCount"/> parameters.</summary>
    public Adam(int parameterCount, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        _first = new float[parameterCount];
        _second = new float[parameterCount];
        _scratch = new float[parameterCount];
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the root of the second moment.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adam";

    internal override IReadOnlyList<(string Name, float[] Values)> State => [("first", _first), ("second", _second), ("steps", _steps)];

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
    {
        float t = ++_steps[0];
        // m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
        TensorPrimitives.Multiply(_first, Beta1, _first);
        TensorPrimitives.MultiplyAdd(gradients, 1 - Beta1, _first, _first);
        TensorPrimitives.Multiply(gradients, gradients, _scratch);
        TensorPrimitives.Multiply(_scratch, 1 - Beta2, _scratch);
        TensorPrimitives.MultiplyAdd(_second, Beta2, _scratch, _second);
        // w ← w − η·(m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε)
        float firstCorrection = 1 - MathF.Pow(Beta1, t), secondCorrection = 1 - MathF.Pow(Beta2, t);
        TensorPrimitives.Multiply(_second, 1 / secondCorrection, _scratch);
        TensorPrimitives.Sqrt(_scratch, _scratch);
        TensorPrimitives.Add(_scratch, Epsilon, _scratch);
        TensorPrimitives.Divide(_first, _scratch, _scratch);
        TensorPrimitives.MultiplyAdd(_scratch, -learningRate / firstCorrection, parameters, parameters);
    }
}
