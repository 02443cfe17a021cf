using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Network;

namespace LeNet5.Training;

/// <summary>
/// The paper's stochastic diagonal Levenberg-Marquardt method (Appendix C): each parameter w_k takes the
/// step −η/(µ + h_kk)·∂E/∂w_k, where h_kk is a running estimate of the Gauss-Newton second derivative
/// ∂²E/∂w_k² (re-estimated on a few hundred patterns before each pass) and µ keeps the step bounded where
/// the curvature is small.
/// </summary>
/// <remarks>
/// Appendix C, and where each part of it is:
/// <list type="number">
/// <item>Before each pass, h_kk is estimated on the pass's first patterns (500 in the paper, <see cref="TrainingOptions.CurvatureSamples"/>)
/// and held fixed during it: <see cref="EstimateCurvature"/>, below, called by <see cref="Trainer"/>.</item>
/// <item>Per pattern, the second derivatives are back-propagated as the gradients are, with every off-diagonal term and
/// f'' dropped (the Gauss-Newton approximation, eq. 23–25): <see cref="LeNet5Network.AccumulateCurvature"/> runs each
/// layer's <c>BackwardCurvature</c>, which sits beside that layer's <c>Backward</c> in <c>Layers/</c> — by default the
/// backward pass on squared weights and squared inputs after f'² (<c>Layers/Layer.cs</c>), with its own rule where the
/// layer needs one (<c>Layers/RbfOutputLayer.cs</c>, <c>Layers/PoolingLayer.cs</c>).</item>
/// <item>It starts from the loss's curvature in the outputs: <c>Layers/MapLoss.cs</c> keeps only the correct class's
/// penalty, as Appendix C does; <c>Layers/SoftmaxCrossEntropyLoss.cs</c> gives p(1 − p).</item>
/// <item>Summed over the patterns and divided by their number (<see cref="EstimateCurvature"/>), it becomes
/// the rates 1/(µ + h_kk), µ = 0.02 (<see cref="SetCurvature"/>); each step is one fused pass
/// (<c>Kernels/OptimizerKernels.cs</c>, <see cref="Step"/>). A checkpoint stores h_kk (<see cref="Optimizer.State"/>).</item>
/// </list>
/// </remarks>
public sealed class DiagonalLevenbergMarquardt : Optimizer
{
    private readonly float[] _curvature;
    private readonly ArraySegment<float> _rates;

    /// <summary>An optimiser for <paramref name="parameterCount"/> parameters; µ = 0.02 is the paper's.</summary>
    public DiagonalLevenbergMarquardt(int parameterCount, float mu = 0.02f)
        : this(parameterCount, mu, alignedParameter: 0)
    {
    }

    /// <summary>With the rates placed as the network's parameters are (<see cref="LeNet5Network.AlignedParameter"/>), for the trainer.</summary>
    internal DiagonalLevenbergMarquardt(int parameterCount, float mu, int alignedParameter)
    {
        if (!(mu > 0) || float.IsInfinity(mu))
            throw new ArgumentOutOfRangeException(nameof(mu), mu, "µ must be a positive finite number.");
        Mu = mu;
        _curvature = new float[parameterCount];
        _rates = AlignedArray.Allocate(parameterCount, alignedParameter);
        SetCurvature(_curvature);
    }

    /// <summary>The damping µ.</summary>
    public float Mu { get; }

    /// <summary>The current estimate of h_kk.</summary>
    public ReadOnlySpan<float> Curvature => _curvature;

    /// <inheritdoc/>
    public override string Name => "sdlm";

    internal override IReadOnlyList<(string Name, ArraySegment<float> Values)> State => [("curvature", _curvature)];

    /// <summary>Replaces the estimate of h_kk (the average Gauss-Newton second derivative per parameter).</summary>
    public void SetCurvature(ReadOnlySpan<float> curvature)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(curvature.Length, _curvature.Length, nameof(curvature));
        curvature.CopyTo(_curvature);
        RefreshRates();
    }

    /// <summary>
    /// h_kk for the coming pass: the average over <paramref name="patterns"/> (indices into <paramref name="train"/>) of each
    /// parameter's Gauss-Newton second derivative, accumulated a workspace-full at a time; the rates follow.
    /// <paramref name="inputs"/> and <paramref name="labels"/> are staging buffers for one workspace-full.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void EstimateCurvature(LeNet5Network network, NetworkWorkspace workspace, ILabeledImages train, ReadOnlySpan<int> patterns, float[] inputs, int[] labels)
    {
        Span<float> curvature = workspace.ParameterCurvature;
        curvature.Clear();
        for (int start = 0; start < patterns.Length; start += workspace.Capacity)
        {
            int count = Math.Min(workspace.Capacity, patterns.Length - start);
            ReadOnlySpan<int> indices = patterns.Slice(start, count);
            Span<float> batch = inputs.AsSpan(0, count * LeNet5Network.InputSize);
            Span<int> batchLabels = labels.AsSpan(0, count);
            train.CopyInputs(indices, batch);
            for (int i = 0; i < count; i++)
                batchLabels[i] = train.Label(indices[i]);
            network.AccumulateCurvature(workspace, batch, batchLabels);
        }
        TensorPrimitives.Multiply(curvature, 1f / patterns.Length, curvature);
        SetCurvature(curvature);
    }

    internal void RefreshRates()
    {
        // 1 / (µ + h_kk), once per estimate rather than once per step.
        TensorPrimitives.Add(_curvature, Mu, _rates);
        TensorPrimitives.Reciprocal<float>(_rates, _rates);
    }

    /// <summary>r = 1/(µ + h_kk) per parameter, as the last <see cref="EstimateCurvature"/> left them: the step is p ← p − η·g·r.</summary>
    internal ReadOnlySpan<float> Rates => _rates;

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
        => OptimizerKernels.DiagonalStep(parameters, gradients, _rates, learningRate);
}
