namespace LeNet5.Network;

/// <summary>Looking inside: every layer's output for one image.</summary>
public sealed partial class LeNet5Network
{
    /// <summary>
    /// Runs one network input forward and returns every layer's output, in order from C1 to the output layer:
    /// the feature maps of C1, S2, C3 and S4, the 120 units of C5, the 84 of F6 and the ten scores (RBF penalties
    /// for Classic, logits for Modern). The values are the ones <see cref="Forward"/> computes, bit for bit.
    /// </summary>
    /// <param name="image">One 32×32 image normalised as the network expects, 1,024 floats (<see cref="Data.Preprocessing.Normalize28x28"/> makes one from an MNIST digit).</param>
    /// <returns>Seven layers, each with its name, its shape from the layer's definition and a copy of its values.</returns>
    /// <exception cref="ArgumentException">The image is not 1,024 floats.</exception>
    /// <remarks>Thread-safe as <see cref="Predict(ReadOnlySpan{float})"/> is; allocates a workspace and the returned arrays.</remarks>
    public IReadOnlyList<LayerActivation> Activations(ReadOnlySpan<float> image)
    {
        if (image.Length != InputSize)
        {
            throw new ArgumentException(
                $"A network input must be one normalised 32×32 image ({InputSize} floats); got {image.Length} floats.", nameof(image));
        }

        var workspace = CreateWorkspace(1);
        Forward(workspace, image);
        var layers = new LayerActivation[_layers.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            layers[l] = new LayerActivation(_layers[l].Name, _layers[l].OutputShape, workspace.Activation(l, 1).ToArray());
        }

        return layers;
    }
}
