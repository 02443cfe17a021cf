namespace LeNet5.Model;

/// <summary>
/// What a network is built from: the architecture and, for <see cref="Architecture.Modern"/>, its activation
/// and pooling. <see cref="Architecture.Classic"/> ignores neither: it always uses the paper's
/// <see cref="Activation.ScaledTanh"/> and trainable subsampling, so those two fields must keep their defaults.
/// </summary>
/// <param name="Architecture">Classic (the paper) or Modern.</param>
/// <param name="Activation">The Modern network's activation (<see cref="Modern"/>'s default: ReLU).</param>
/// <param name="Pooling">The Modern network's pooling (<see cref="Modern"/>'s default: max).</param>
public sealed record NetworkDefinition(
    Architecture Architecture = Architecture.Classic,
    Activation Activation = Activation.ScaledTanh,
    Pooling Pooling = Pooling.Average)
{
    /// <summary>The paper's network.</summary>
    public static NetworkDefinition Classic { get; } = new();

    /// <summary>
    /// The Modern network with the given activation and pooling. The defaults, ReLU and max pooling, are chosen by
    /// measurement: trained with the Modern recipe (Adam, batch 64, 20 passes) they gave a mean test error of 0.87 % over
    /// seeds 1–4 on MNIST, against 1.2–1.3 % for tanh and average pooling (README, "Figures").
    /// </summary>
    public static NetworkDefinition Modern(Activation activation = Activation.ReLU, Pooling pooling = Pooling.Max)
        => new(Architecture.Modern, activation, pooling);

    /// <summary>Throws if the combination is not one this library builds.</summary>
    /// <exception cref="ArgumentException">An unknown enum value, or a Classic network with a non-default activation or pooling.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture))
            throw new ArgumentException($"Unknown architecture {(int)Architecture}.", nameof(Architecture));
        if (!Enum.IsDefined(Activation))
            throw new ArgumentException($"Unknown activation {(int)Activation}.", nameof(Activation));
        if (!Enum.IsDefined(Pooling))
            throw new ArgumentException($"Unknown pooling {(int)Pooling}.", nameof(Pooling));
        if (Architecture == Architecture.Classic && (Activation != Activation.ScaledTanh || Pooling != Pooling.Average))
            throw new ArgumentException("The Classic network always uses the paper's scaled tanh and trainable subsampling; activation and pooling apply to Modern only.");
    }
}
