namespace LeNet5.Onnx;

/// <summary>
/// The keys of the <c>metadata_props</c> an exported model carries (ONNX Runtime: <c>InferenceSession.ModelMetadata.CustomMetadataMap</c>).
/// </summary>
public static class OnnxMetadata
{
    /// <summary>"Classic" (the 1998 paper's network) or "Modern", as in the weights file's metadata.</summary>
    public const string Architecture = "architecture";

    /// <summary>"ScaledTanh" (Classic: 1.7159·tanh(2a/3)), "Tanh" or "ReLU".</summary>
    public const string Activation = "activation";

    /// <summary>"TrainableSubsampling" (Classic: 2×2 sum × the map's coefficient + its bias, then the squash), "Average" or "Max".</summary>
    public const string Pooling = "pooling";

    /// <summary>The input normalisation to apply before the model, in words.</summary>
    public const string Normalisation = "normalisation";

    /// <summary>The input value of the background and the border: "-0.1".</summary>
    public const string Background = "normalisation.background";

    /// <summary>The input value of full ink: "1.175".</summary>
    public const string Ink = "normalisation.ink";

    /// <summary>Where the digit goes: "28x28 centred in 32x32".</summary>
    public const string Layout = "normalisation.layout";

    /// <summary>The version of the LeNet5 library that exported the model.</summary>
    public const string LibraryVersion = "library_version";

    /// <summary>The names of the graph's two outputs, comma-separated: "rbf,probabilities" or "logits,probabilities".</summary>
    public const string Outputs = "outputs";

    /// <summary>How to read the first output: the smallest RBF penalty or the largest logit is the predicted digit.</summary>
    public const string Prediction = "prediction";
}
