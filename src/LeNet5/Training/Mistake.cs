namespace LeNet5.Training;

/// <summary>One test image the network got wrong, and how sure it was.</summary>
/// <param name="Index">The image's index in the set.</param>
/// <param name="Label">The true class.</param>
/// <param name="Predicted">The network's class.</param>
/// <param name="Margin">How much better the wrong class scored than the true one: y_true − y_predicted for the RBF penalties (Classic), z_predicted − z_true for logits (Modern).</param>
public sealed record Mistake(int Index, int Label, int Predicted, float Margin);
