namespace LeNet5.Model;

/// <summary>The nonlinearity after a convolution or fully connected layer.</summary>
public enum Activation
{
    /// <summary>The paper's squash f(a) = A·tanh(S·a), A = 1.7159, S = 2/3 (Appendix A). Always used by <see cref="Architecture.Classic"/>.</summary>
    ScaledTanh,

    /// <summary>Plain tanh.</summary>
    Tanh,

    /// <summary>max(0, a).</summary>
    ReLU,
}
