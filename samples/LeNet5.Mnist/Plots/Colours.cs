using SkiaSharp;

namespace LeNet5.Mnist.Plots;

/// <summary>The colour scales of the pictures.</summary>
internal static class Colours
{
    private static readonly SKColor s_negative = new(33, 102, 172);
    private static readonly SKColor s_positive = new(178, 24, 43);
    private static readonly SKColor s_deep = new(8, 48, 107);

    /// <summary>Grey levels as ink on paper: <paramref name="low"/> and below white, <paramref name="high"/> and above black.</summary>
    public static Func<float, SKColor> Ink(float low, float high) => v =>
    {
        float t = high > low ? Math.Clamp((v - low) / (high - low), 0, 1) : 0;
        byte g = (byte)Math.Round(255 * (1 - t));
        return new SKColor(g, g, g);
    };

    /// <summary>Blue for negative, white for zero, red for positive; ±<paramref name="limit"/> and beyond fully saturated.</summary>
    public static Func<float, SKColor> Diverging(float limit) => v =>
    {
        float t = limit > 0 ? Math.Clamp(v / limit, -1, 1) : 0;
        return Mix(SKColors.White, t < 0 ? s_negative : s_positive, Math.Abs(t));
    };

    /// <summary>White at 0 to deep blue at 1.</summary>
    public static SKColor Sequential(float t) => Mix(SKColors.White, s_deep, Math.Clamp(t, 0, 1));

    /// <summary>Black or white, whichever reads on <paramref name="background"/>.</summary>
    public static SKColor TextOn(SKColor background) => (0.299 * background.Red) + (0.587 * background.Green) + (0.114 * background.Blue) < 140
        ? SKColors.White
        : SKColors.Black;

    private static SKColor Mix(SKColor a, SKColor b, float t) => new(
        (byte)Math.Round(a.Red + ((b.Red - a.Red) * t)),
        (byte)Math.Round(a.Green + ((b.Green - a.Green) * t)),
        (byte)Math.Round(a.Blue + ((b.Blue - a.Blue) * t)));
}
