namespace LeNet5.Model;

/// <summary>One row of the paper's per-layer table, derived from a layer's definition.</summary>
/// <param name="Name">C1, S2, … as in the paper.</param>
/// <param name="Output">Shape of the layer's output for one image: [maps, height, width] for feature maps, [units] for a vector.</param>
/// <param name="Trainable">Trainable parameters (C3 counts only the connected kernels of Table I).</param>
/// <param name="Fixed">Stored parameters that are not trained (the RBF prototypes).</param>
/// <param name="Connections">Multiply-accumulate connections, biases included, as the paper counts them.</param>
public sealed record LayerSummary(string Name, IReadOnlyList<int> Output, int Trainable, int Fixed, long Connections)
{
    /// <summary>"6@28×28" for feature maps, "84" for a vector.</summary>
    public string OutputText => Output.Count == 3 ? $"{Output[0]}@{Output[1]}×{Output[2]}" : string.Join('×', Output);
}
