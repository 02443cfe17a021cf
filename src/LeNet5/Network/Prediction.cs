using LeNet5.Model;

namespace LeNet5.Network;

/// <summary>
/// The network's answer for one image, from <see cref="LeNet5Network.Predict(ReadOnlySpan{byte})"/> or
/// <see cref="LeNet5Network.Predict(ReadOnlySpan{float})"/>: the digit, the ten raw scores it was chosen from,
/// and the ten scores turned into probabilities.
/// </summary>
public sealed class Prediction
{
    private readonly float[] _scores;
    private readonly float[] _probabilities;

    internal Prediction(Architecture architecture, int digit, float[] scores, float[] probabilities)
    {
        Architecture = architecture;
        Digit = digit;
        _scores = scores;
        _probabilities = probabilities;
    }

    /// <summary>The architecture of the network that made the prediction, which says how to read <see cref="Scores"/>.</summary>
    public Architecture Architecture { get; }

    /// <summary>
    /// The predicted digit, 0 to 9: the smallest RBF penalty (Classic) or the largest logit (Modern), the same
    /// class the batch <see cref="LeNet5Network.Predict(NetworkWorkspace, ReadOnlySpan{float}, Span{int}, Span{float})"/>
    /// gives (the first of equal scores).
    /// </summary>
    public int Digit { get; }

    /// <summary>
    /// The network's ten outputs, one per digit. Classic: the RBF penalties y_i = Σ_j (x_j − w_ij)², the squared
    /// distance from F6's output to digit i's 7×12 prototype (Section II-B, eq. 7): smaller is better. Modern: the
    /// logits: larger is better.
    /// </summary>
    public IReadOnlyList<float> Scores => _scores;

    /// <summary>
    /// The ten scores as probabilities summing to 1. Classic: softmax(−y), p_i = e^(−y_i) / Σ_k e^(−y_k), the
    /// posterior the MAP criterion of eq. 9 (Section II-C) trains, without its "rubbish class" term e^(−j).
    /// Modern: softmax of the logits, the distribution the cross-entropy trains. Computed in double precision
    /// with the largest exponent shifted to 0, so no score overflows.
    /// </summary>
    public IReadOnlyList<float> Probabilities => _probabilities;

    /// <summary>The probability of <see cref="Digit"/>: the largest of <see cref="Probabilities"/>.</summary>
    public float Confidence => _probabilities[Digit];

    /// <summary>The digit and its confidence, for example <c>7 (99.2 %)</c>.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => FormattableString.Invariant($"{Digit} ({Confidence * 100:F1} %)");
}
