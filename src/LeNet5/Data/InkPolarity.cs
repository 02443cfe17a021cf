namespace LeNet5.Data;

/// <summary>Which way round a digit image is drawn: what <see cref="MnistPreprocessing"/> takes for ink.</summary>
public enum InkPolarity
{
    /// <summary>
    /// Decide from the image: the background is the median of its outermost pixels, and the ink is whichever of
    /// the darkest and the lightest pixel lies farther from it (<see cref="MnistPreprocessing.DetectPolarity"/>).
    /// </summary>
    Auto,

    /// <summary>Light ink on a dark background, as MNIST stores its digits (0 the background, 255 full ink).</summary>
    LightOnDark,

    /// <summary>Dark ink on a light background, as a digit written on paper or drawn in black on white.</summary>
    DarkOnLight,
}
