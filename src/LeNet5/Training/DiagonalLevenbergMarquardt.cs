using System.Numerics.Tensors;
using LeNet5.Kernels;

namespace LeNet5.Training;

/// <summary>
/// The paper's stochastic diagonal Levenberg-Marquardt method (Appendix C): each parameter w_k takes the
/// step −η/(µ + h_kk)·∂E/∂w_k, where h_kk is a running estimate of the Gauss-Newton second derivative
/// ∂²E/∂w_k² (re-estimated on a few hundred patterns before each pass) and µ keeps the step bounded where
/// the curvature is small.
/// </summary>
public sealed class DiagonalLevenbergMarquardt : Optimizer
{
    private readonly float[] _curvature;
    private readonly float[] _rates;

    /// <summary>An optimiser for <paramref name="parameterCount"/> parameters; µ = 0.02 is the paper's.</summary>
    public DiagonalLevenbergMarquardt(int parameterCount, float mu = 0.02f)
    {
        if (!(mu > 0) || float.IsInfinity(mu))
            throw new ArgumentOutOfRangeException(nameof(mu), mu, "µ must be a positive finite number.");
        Mu = mu;
        _curvature = new float[parameterCount];
        _rates = new float[parameterCount];
        SetCurvature(_curvature);
    }

    /// <summary>The damping µ.</summary>
    public float Mu { get; }

    /// <summary>The current estimate of h_kk.</summary>
    public ReadOnlySpan<float> Curvature => _curvature;

    /// <inheritdoc/>
    public override string Name => "sdlm";

    internal override IReadOnlyList<(string Name, float[] Values)> State => [("curvature", _curvature)];

    /// <summary>Replaces the estimate of h_kk (the average Gauss-Newton second derivative per parameter).</summary>
    public void SetCurvature(ReadOnlySpan<float> curvature)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(curvature.Length, _curvature.Length, nameof(curvature));
        curvature.CopyTo(_curvature);
        RefreshRates();
    }

    internal void RefreshRates()
    {
        // 1 / (µ + h_kk), once per estimate rather than once per step.
        TensorPrimitives.Add(_curvature, Mu, _rates);
        TensorPrimitives.Reciprocal(_rates, _rates);
    }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
        => OptimizerKernels.DiagonalStep(parameters, gradients, _rates, learningRate);
}
