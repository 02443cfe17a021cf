using LeNet5.Data;

namespace LeNet5.Training;

/// <summary>
/// The random planar affine distortions of Section III-C of the paper (translations, scaling, squeezing and
/// horizontal shearing), applied to a 32×32 input on the fly to augment training. The paper drew 540,000
/// distorted copies of the training set once; drawing a fresh transform for every presentation is the same
/// distribution without the storage.
/// </summary>
public static class Distortion
{
    private const int Side = Preprocessing.InputSide;
    private const int Pixels = Side * Side;

    /// <summary>
    /// Draws one transform from <paramref name="options"/> with <paramref name="random"/> and resamples
    /// <paramref name="source"/> through it into <paramref name="destination"/> (both 32×32, row-major; only the
    /// first 1,024 elements are used). Pixels that come from outside the source read the background, −0.1.
    /// Allocates nothing.
    /// </summary>
    /// <param name="source">The normalised image (see <see cref="Preprocessing"/>).</param>
    /// <param name="destination">Receives the distorted image; must not overlap <paramref name="source"/>.</param>
    /// <param name="options">The ranges to draw from; validated on every call.</param>
    /// <param name="random">The source of randomness: five values are drawn per call, whatever the options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException">A span is shorter than 1,024 elements, or the two overlap.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> is not valid (see <see cref="DistortionOptions.Validate"/>).</exception>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, DistortionOptions options, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        CheckSpans(source, destination);
        options.Validate();
        Resample(source, destination, Draw(options, random).ToTransform().Inverse());
    }

    /// <summary>
    /// Draws the five parameters uniformly from their ranges, in a fixed order (translation x, y, scale,
    /// squeeze, shear), so a seed gives the same transform whatever the options.
    /// </summary>
    internal static DistortionParameters Draw(DistortionOptions options, SeededRandom random)
    {
        float translationX = Symmetric(random, options.MaxTranslation);
        float translationY = Symmetric(random, options.MaxTranslation);
        float scale = 1f + Symmetric(random, options.MaxScale);
        float squeeze = Symmetric(random, options.MaxSqueeze);
        float shear = Symmetric(random, options.MaxShear);
        return new(translationX, translationY, scale, squeeze, shear);
    }

    /// <summary>
    /// destination(x, y) = bilinear sample of source at inverse(x, y), the point the forward map sends to
    /// (x, y). Each of the four taps outside the 32×32 source reads the background −0.1, so the output is a
    /// convex combination of source values and −0.1: it stays within [min(source, −0.1), max(source, −0.1)].
    /// Weights are formed in double precision and the result rounded once, so an integer-aligned map copies
    /// values bit for bit.
    /// </summary>
    internal static void Resample(ReadOnlySpan<float> source, Span<float> destination, in AffineTransform inverse)
    {
        CheckSpans(source, destination);
        source = source[..Pixels];
        destination = destination[..Pixels];
        const double C = AffineTransform.Centre;
        double a = inverse.A, b = inverse.B, c = inverse.C, d = inverse.D;
        for (int y = 0; y < Side; y++)
        {
            double dy = y - C;
            double rowX = (b * dy) + inverse.Tx + C, rowY = (d * dy) + inverse.Ty + C;
            Span<float> row = destination.Slice(y * Side, Side);
            for (int x = 0; x < Side; x++)
            {
                double dx = x - C;
                row[x] = Sample(source, (a * dx) + rowX, (c * dx) + rowY);
            }
        }
    }

    private static float Sample(ReadOnlySpan<float> source, double x, double y)
    {
        double left = Math.Floor(x), top = Math.Floor(y);
        // Wholly outside (also NaN): every tap is background; this also keeps the casts below in range.
        if (!(left >= -1 && left < Side && top >= -1 && top < Side))
            return Preprocessing.Background;
        int x0 = (int)left, y0 = (int)top;
        double fx = x - left, fy = y - top;
        double upper = ((1 - fx) * Tap(source, x0, y0)) + (fx * Tap(source, x0 + 1, y0));
        double lower = ((1 - fx) * Tap(source, x0, y0 + 1)) + (fx * Tap(source, x0 + 1, y0 + 1));
        return (float)(((1 - fy) * upper) + (fy * lower));
    }

    private static float Tap(ReadOnlySpan<float> source, int x, int y)
        => (uint)x < Side && (uint)y < Side ? source[(y * Side) + x] : Preprocessing.Background;

    /// <summary>A value drawn uniformly from [−max, max]; exactly zero-width when max is zero.</summary>
    private static float Symmetric(SeededRandom random, float max) => (float)random.NextSymmetric(max);

    private static void CheckSpans(ReadOnlySpan<float> source, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, Pixels, nameof(source));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Pixels, nameof(destination));
        if (source[..Pixels].Overlaps(destination[..Pixels]))
            throw new ArgumentException("The destination must not overlap the source.", nameof(destination));
    }
}

/// <summary>
/// One draw of <see cref="Distortion"/>: a translation in pixels, a scale factor near 1, a squeeze q near 0 and
/// a horizontal shear h.
/// </summary>
internal readonly record struct DistortionParameters(float TranslationX, float TranslationY, float Scale, float Squeeze, float Shear)
{
    /// <summary>
    /// The forward map about the centre: scale both axes by <see cref="Scale"/>, squeeze (x·(1 + q), y/(1 + q)),
    /// shear (x += h·y), then translate: A = s(1 + q), B = h·s/(1 + q), C = 0, D = s/(1 + q).
    /// </summary>
    public AffineTransform ToTransform()
    {
        double scaleX = (double)Scale * (1 + (double)Squeeze), scaleY = Scale / (1 + (double)Squeeze);
        return new((float)scaleX, (float)(Shear * scaleY), 0, (float)scaleY, TranslationX, TranslationY);
    }
}
