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

    /// <summary>The global learning rate of each pass (default: <see cref="PaperSchedule"/>).</summary>
    public LearningRateSchedule Schedule { get; init; } = PaperSchedule;

    /// <summary>µ of the Levenberg-Marquardt step η/(µ + h_kk) (the paper: 0.02).</summary>
    public float Mu { get; init; } = 0.02f;

    /// <summary>Patterns the Hessian diagonal is re-estimated on before each pass (the paper: 500).</summary>
    public int CurvatureSamples { get; init; } = 500;

    /// <summary>Random planar affine distortions of each training image (Section III-C), or null for none.</summary>
    public DistortionOptions? Distortion { get; init; }

    /// <summary>Momentum of <see cref="OptimizerKind.SgdMomentum"/>.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>
    /// The factor the paper's printed learning rates need here from the second pass on (see README, "The learning
    /// rates"). With h_kk estimated as the average Gauss-Newton second derivative and µ = 0.02, the printed rates
    /// give steps of up to η/µ = 0.025 times the gradient to every weight whose curvature is below µ, which after
    /// one pass is still about half of C1, C3 and C5: C1's weights grow fifty-fold in a pass and the network saturates.
    /// </summary>
    public const float PaperRateScale = 0.1f;

    /// <summary>
    /// The factor for the first pass. At the initial weights the units are nearly linear and their outputs small,
    /// so the curvature estimated before the first pass is 10 to 5,000 times smaller (per-layer medians) than after
    /// it, and every step is bounded by µ alone; the first pass therefore runs at a third of the later scale.
    /// </summary>
    public const float PaperFirstPassRateScale = 0.03f;

    /// <summary>
    /// The paper's schedule (<see cref="LearningRateSchedule.Paper"/>) as it trains here: every rate times
    /// <see cref="PaperRateScale"/>, the first pass's times <see cref="PaperFirstPassRateScale"/>.
    /// </summary>
    public static LearningRateSchedule PaperSchedule { get; } = LearningRateSchedule.Paper.Scaled(PaperRateScale)
        .WithFirstEpochRate(LearningRateSchedule.Paper.RateAt(0) * PaperFirstPassRateScale);

    /// <summary>The paper's recipe for Classic: SDLM, one pattern at a time, its learning-rate schedule (<see cref="PaperSchedule"/>), 20 passes.</summary>
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
