namespace LeNet5.Model;

/// <summary>Which of the two LeNet-5 networks to build.</summary>
public enum Architecture
{
    /// <summary>
    /// The network of LeCun et al. (1998), Section II-B: trainable subsampling, the partial C3 connection
    /// table of Table I, the scaled tanh squash everywhere and an RBF output over 7×12 digit bitmaps.
    /// 60,000 trainable parameters.
    /// </summary>
    Classic,

    /// <summary>
    /// The variant most frameworks call LeNet-5: parameter-free pooling, a fully connected C3, a chosen
    /// activation and a dense 84→10 output trained with softmax cross-entropy. 61,706 parameters.
    /// </summary>
    Modern,
}
