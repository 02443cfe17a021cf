using SkiaSharp;

namespace LeNet5.Mnist.Plots;

/// <summary>
/// The typeface pictures are labelled in. The native Skia build may have no font manager to find fonts by name,
/// so one of the usual sans-serif font files is loaded by path when the machine has it (and given to ScottPlot too).
/// </summary>
internal static class Fonts
{
    /// <summary>The family the pictures ask for; registered under this name when loaded from a file.</summary>
    public const string FamilyName = "LeNet5 Sans";

    private static readonly (string Regular, string Bold)[] s_candidates =
    [
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
        ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
        (@"C:\Windows\Fonts\arial.ttf", @"C:\Windows\Fonts\arialbd.ttf"),
    ];

    private static readonly Lazy<(string Regular, string Bold)?> s_files = new(() => s_candidates.Where(c => File.Exists(c.Regular)).Select(c => ((string, string)?)c).FirstOrDefault());
    private static readonly Lazy<SKTypeface> s_regular = new(() => Load(bold: false));
    private static readonly Lazy<SKTypeface> s_bold = new(() => Load(bold: true));
    private static readonly Lazy<bool> s_registered = new(() =>
    {
        if (s_files.Value is not { } files)
            return false;
        ScottPlot.Fonts.AddFontFile(FamilyName, files.Regular, bold: false, italic: false);
        if (File.Exists(files.Bold))
            ScottPlot.Fonts.AddFontFile(FamilyName, files.Bold, bold: true, italic: false);
        return true;
    });

    public static SKFont Create(float size, bool bold = false) => new(bold ? s_bold.Value : s_regular.Value, size) { Edging = SKFontEdging.Antialias };

    /// <summary>Makes <see cref="FamilyName"/> known to ScottPlot (once); false when no font file was found.</summary>
    public static bool RegisterWithScottPlot() => s_registered.Value;

    private static SKTypeface Load(bool bold)
    {
        if (s_files.Value is { } files)
        {
            string file = bold && File.Exists(files.Bold) ? files.Bold : files.Regular;
            if (SKTypeface.FromFile(file) is { GlyphCount: > 0 } typeface)
                return typeface;
        }
        return SKTypeface.FromFamilyName(null, bold ? SKFontStyle.Bold : SKFontStyle.Normal) ?? SKTypeface.Default;
    }
}
