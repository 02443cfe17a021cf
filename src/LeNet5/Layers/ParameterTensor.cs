namespace LeNet5.Layers;

/// <summary>
/// A named tensor as stored in a weights file, and where it lives in the layer's packed parameters.
/// </summary>
/// <param name="Name">The safetensors name, e.g. <c>c3.weight</c>.</param>
/// <param name="Shape">The shape in the file.</param>
/// <param name="Offset">Start in the layer's parameters.</param>
/// <param name="Length">Floats in the layer's parameters (less than the file's element count only for a packed partial table).</param>
internal sealed record ParameterTensor(string Name, int[] Shape, int Offset, int Length);
