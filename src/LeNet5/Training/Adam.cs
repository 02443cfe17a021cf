using LeNet5.Kernels;

namespace LeNet5.Training;

/// <summary>Adam (Kingma and Ba, 2015) with bias correction: the usual choice for the Modern network.</summary>
public sealed class Adam : Optimizer
{
    private readonly ArraySegment<float> _first;
    private readonly ArraySegment<float> _second;
    private readonly float[] _steps = [0];

    // The defaults of Kingma and Ba, for the public constructor and the trainer's.
    internal const float DefaultBeta1 = 0.9f, DefaultBeta2 = 0.999f, DefaultEpsilon = 1e-8f;

    /// <summary>An optimiser for <paramref name="parameterCount"/> parameters.</summary>
    public Adam(int parameterCount, float beta1 = DefaultBeta1, float beta2 = DefaultBeta2, float epsilon = DefaultEpsilon)
        : this(parameterCount, beta1, beta2, epsilon, alignedParameter: 0)
    {
    }

    /// <summary>With the moments placed as the network's parameters are (<see cref="Network.LeNet5Network.AlignedParameter"/>), for the trainer.</summary>
    internal Adam(int parameterCount, float beta1, float beta2, float epsilon, int alignedParameter)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        _first = AlignedArray.Allocate(parameterCount, alignedParameter);
        _second = AlignedArray.Allocate(parameterCount, alignedParameter);
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

    internal override IReadOnlyList<(string Name, ArraySegment<float> Values)> State => [("first", _first), ("second", _second), ("steps", _steps)];

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
    {
        float t = ++_steps[0];
        // m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − η·(m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε), in one pass.
        float firstCorrection = 1 - MathF.Pow(Beta1, t), secondCorrection = 1 - MathF.Pow(Beta2, t);
        OptimizerKernels.AdamStep(parameters, gradients, _first, _second,
            new AdamConstants(Beta1, Beta2, Epsilon, learningRate / firstCorrection, 1 / secondCorrection));
    }
}
