using LeNet5.Kernels;

namespace LeNet5.Training;

/// <summary>Stochastic gradient descent with (heavy-ball) momentum: v ← m·v − η·g; w ← w + v.</summary>
public sealed class SgdMomentum : Optimizer
{
    private readonly ArraySegment<float> _velocity;

    /// <summary>An optimiser for <paramref name="parameterCount"/> parameters.</summary>
    public SgdMomentum(int parameterCount, float momentum = 0.9f)
        : this(parameterCount, momentum, alignedParameter: 0)
    {
    }

    /// <summary>With the velocity placed as the network's parameters are (<see cref="Network.LeNet5Network.AlignedParameter"/>), for the trainer.</summary>
    internal SgdMomentum(int parameterCount, float momentum, int alignedParameter)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        _velocity = AlignedArray.Allocate(parameterCount, alignedParameter);
        Momentum = momentum;
    }

    /// <summary>The momentum coefficient m.</summary>
    public float Momentum { get; }

    /// <inheritdoc/>
    public override string Name => "sgd";

    internal override IReadOnlyList<(string Name, ArraySegment<float> Values)> State => [("velocity", _velocity)];

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
        => OptimizerKernels.MomentumStep(parameters, gradients, _velocity, Momentum, learningRate);
}
