namespace LeNet5.Training;

/// <summary>The global learning rate of each pass (epoch) through the training set.</summary>
public sealed class LearningRateSchedule
{
    private readonly (int Epochs, float Rate)[] _steps;

    /// <summary>Each (epochs, rate) pair holds for that many passes, in order; <paramref name="final"/> after them all.</summary>
    public LearningRateSchedule(IEnumerable<(int Epochs, float Rate)> steps, float final)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps.ToArray();
        foreach (var (epochs, rate) in _steps)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(epochs);
            CheckRate(rate);
        }
        CheckRate(final);
        Final = final;
    }

    /// <summary>
    /// The paper's schedule for stochastic diagonal Levenberg-Marquardt (Section III-A): 0.0005 for the
    /// first two passes, 0.0002 for the next three, 0.0001 for the next three, 0.00005 for the next four,
    /// then 0.00001.
    /// </summary>
    public static LearningRateSchedule Paper { get; } = new([(2, 0.0005f), (3, 0.0002f), (3, 0.0001f), (4, 0.00005f)], 0.00001f);

    /// <summary>One rate for every pass.</summary>
    public static LearningRateSchedule Constant(float rate) => new([], rate);

    /// <summary>The rate after the listed steps.</summary>
    public float Final { get; }

    /// <summary>This schedule with every rate multiplied by <paramref name="factor"/>.</summary>
    public LearningRateSchedule Scaled(float factor) => new(_steps.Select(s => (s.Epochs, s.Rate * factor)), Final * factor);

    /// <summary>This schedule with the first pass at <paramref name="rate"/> and every later pass unchanged.</summary>
    public LearningRateSchedule WithFirstEpochRate(float rate)
    {
        var later = new List<(int Epochs, float Rate)>();
        int toSkip = 1;
        foreach (var (epochs, stepRate) in _steps)
        {
            int skipped = Math.Min(toSkip, epochs);
            toSkip -= skipped;
            if (epochs > skipped)
                later.Add((epochs - skipped, stepRate));
        }
        return new([(1, rate), .. later], Final);
    }

    /// <summary>The rate of pass <paramref name="epoch"/> (0-based).</summary>
    public float RateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        foreach (var (epochs, rate) in _steps)
        {
            if (epoch < epochs)
                return rate;
            epoch -= epochs;
        }
        return Final;
    }

    private static void CheckRate(float rate)
    {
        if (!(rate > 0) || float.IsInfinity(rate))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "A learning rate must be a positive finite number.");
    }
}
