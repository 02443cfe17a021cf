using LeNet5.Kernels;

namespace LeNet5.Training;

/// <summary>Stochastic gradient descent with (heavy-ball) momentum: v ← m·v − η·g; w ← w + v.</summary>
public sealed class SgdMomentum : Optimizer
{
    private readonly float[] _velocity;

    /// <summary>An optimiser for <paramref name="parameterCount"/> parameters.</summary>
    public SgdMomentum(int parameterCount, float momentum = 0.9f)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        _velocity = new float[parameterCount];
        Momentum = momentum;
    }

    /// <summary>The momentum coefficient m.</summary>
    public float Momentum { get; }

    /// <inheritdoc/>
    public override string Name => "sgd";

    internal override IReadOnlyList<(string Name, float[] Values)> State => [("velocity", _velocity)];

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
        => OptimizerKernels.MomentumStep(parameters, gradients, _velocity, Momentum, learningRate);
}
