namespace LeNet5.Layers;

/// <summary>The loss a network's output is judged by, its gradient, and the decision it implies.</summary>
internal interface ILossHead
{
    /// <summary>The loss of one sample; writes dE/d(output) into <paramref name="gradient"/>.</summary>
    float Loss(ReadOnlySpan<float> output, int label, Span<float> gradient);

    /// <summary>
    /// The diagonal Gauss-Newton curvature of the loss with respect to the outputs, for the stochastic
    /// diagonal Levenberg-Marquardt estimate (paper, Appendix C).
    /// </summary>
    void Curvature(ReadOnlySpan<float> output, int label, Span<float> curvature);

    /// <summary>
    /// How much better the <paramref name="chosen"/> class's score was than the <paramref name="truth"/>'s: the
    /// direction of the scores (smaller or larger is better) belongs to the loss.
    /// </summary>
    float Margin(float truth, float chosen);

    /// <summary>The predicted class.</summary>
    int Predict(ReadOnlySpan<float> output);
}
