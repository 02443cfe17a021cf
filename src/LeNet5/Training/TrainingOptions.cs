namespace LeNet5.Training;

/// <summary>Which optimiser the trainer uses.</summary>
public enum OptimizerKind
{
    /// <summary>The paper's stochastic diagonal Levenberg-Marquardt (Appendix C); the default for Classic.</summary>
    DiagonalLevenbergMarquardt,

    /// <summary>SGD with momentum.</summary>
    SgdMomentum,

    /// <summary>Adam; the default for Modern.</summary>
    Adam,
}

/// <summary>How to train. Every run with the same options, seed and thread count gives the same weights, bit for bit.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes through the training set (the paper: 20).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Images per update; 1 is the paper's one-pattern-at-a-time training.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Worker threads sharing a minibatch (at most one per image of it).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seed of the shuffles, the curvature samples and the distortions.</summary>
    public int Seed { get; init; }

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.DiagonalLevenbergMarquardt;

    /// <summary>The global learning rate of each pass (default: the paper's, times <see cref="PaperRateScale"/>).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Paper.Scaled(PaperRateScale);

    /// <summary>µ of the Levenberg-Marquardt step η/(µ + h_kk) (the paper: 0.02).</summary>
    public float Mu { get; init; } = 0.02f;

    /// <summary>Patterns the Hessian diagonal is re-estimated on before each pass (the paper: 500).</summary>
    public int CurvatureSamples { get; init; } = 500;

    /// <summary>Random planar affine distortions of each training image (Section III-C), or null for none.</summary>
    public DistortionOptions? Distortion { get; init; }

    /// <summary>Momentum of <see cref="OptimizerKind.SgdMomentum"/>.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>
    /// The factor the paper's printed learning rates need here to train (see README): with h_kk estimated as the
    /// average Gauss-Newton second derivative and µ = 0.02, the printed rates give steps of up to η/µ = 0.025
    /// to every weight whose curvature is still small, which saturates the network in the first pass.
    /// </summary>
    public const float PaperRateScale = 0.03f;

    /// <summary>The paper's recipe for Classic: SDLM, one pattern at a time, its learning-rate schedule (times <see cref="PaperRateScale"/>), 20 passes.</summary>
    public static TrainingOptions PaperClassic { get; } = new();

    /// <summary>A recipe for Modern: Adam at 0.001, halved every 4 passes, minibatches of 64, 20 passes.</summary>
    public static TrainingOptions ModernDefault { get; } = new()
    {
        Optimizer = OptimizerKind.Adam,
        BatchSize = 64,
        Schedule = new LearningRateSchedule([(4, 1e-3f), (4, 5e-4f), (4, 2.5e-4f), (4, 1.25e-4f)], 6.25e-5f),
    };

    /// <summary>Throws on an option no run could use, naming it and its value.</summary>
    public void Validate()
    {
        if (Epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        if (Threads < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be at least 1.");
        if (!Enum.IsDefined(Optimizer))
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimiser.");
        if (!(Mu > 0) || float.IsInfinity(Mu))
            throw new ArgumentOutOfRangeException(nameof(Mu), Mu, "µ must be a positive finite number.");
        if (CurvatureSamples < 1)
            throw new ArgumentOutOfRangeException(nameof(CurvatureSamples), CurvatureSamples, "At least one curvature sample is needed.");
        if (!(Momentum >= 0 && Momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
        ArgumentNullException.ThrowIfNull(Schedule);
        Distortion?.Validate();
    }
}
