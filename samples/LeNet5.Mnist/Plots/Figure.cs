using SkiaSharp;

namespace LeNet5.Mnist.Plots;

/// <summary>
/// A picture drawn row by row: a title, then rows of tiles (small images scaled up by whole pixels, each with a
/// caption under it), each row with a label on its left. Encoded as PNG.
/// </summary>
internal sealed class Figure
{
    private const int Margin = 16;
    private const int Gap = 8;
    private const float TitleSize = 18;
    private const float TextSize = 13;
    private readonly string _title;
    private readonly List<string> _notes = [];
    private readonly List<(string Label, IReadOnlyList<Tile> Tiles, int Scale)> _rows = [];

    public Figure(string title) => _title = title;

    /// <summary>A small image of Width × Height values, row by row, coloured by <see cref="Colour"/>, with a caption under it.</summary>
    public sealed record Tile(float[] Values, int Width, int Height, Func<float, SKColor> Colour, string Caption, SKColor? Border = null);

    /// <summary>A line of small text under the title (the colour scale, where the data came from).</summary>
    public Figure Note(string text)
    {
        _notes.Add(text);
        return this;
    }

    /// <summary>A row of tiles, each pixel drawn as <paramref name="scale"/>×<paramref name="scale"/>.</summary>
    public Figure Row(string label, IReadOnlyList<Tile> tiles, int scale)
    {
        _rows.Add((label, tiles, scale));
        return this;
    }

    public byte[] ToPng()
    {
        using var titleFont = Fonts.Create(TitleSize, bold: true);
        using var font = Fonts.Create(TextSize);
        float labelWidth = _rows.Count == 0 ? 0 : _rows.Max(r => font.MeasureText(r.Label)) + (_rows.Any(r => r.Label.Length > 0) ? Gap * 2 : 0);
        float captionHeight = TextSize + 6;
        float width = Math.Max(titleFont.MeasureText(_title), _notes.Count == 0 ? 0 : _notes.Max(n => font.MeasureText(n)));
        float height = TitleSize + 8 + (_notes.Count * (TextSize + 4)) + Gap;
        foreach (var (_, tiles, scale) in _rows)
        {
            float rowWidth = labelWidth + tiles.Sum(t => Math.Max(t.Width * scale, font.MeasureText(t.Caption)) + Gap);
            width = Math.Max(width, rowWidth);
            height += tiles.Max(t => t.Height * scale) + captionHeight + Gap * 2;
        }

        var info = new SKImageInfo((int)Math.Ceiling(width + (2 * Margin)), (int)Math.Ceiling(height + (2 * Margin)));
        using var surface = SKSurface.Create(info);
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grey = new SKPaint { Color = new SKColor(90, 90, 90), IsAntialias = true };
        float y = Margin + TitleSize;
        canvas.DrawText(_title, Margin, y, SKTextAlign.Left, titleFont, ink);
        y += 8;
        foreach (string note in _notes)
        {
            y += TextSize + 4;
            canvas.DrawText(note, Margin, y, SKTextAlign.Left, font, grey);
        }
        y += Gap * 2;

        using var pixel = new SKPaint { IsAntialias = false };
        using var frame = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = new SKColor(160, 160, 160) };
        foreach (var (label, tiles, scale) in _rows)
        {
            int rowHeight = tiles.Max(t => t.Height * scale);
            canvas.DrawText(label, Margin, y + (rowHeight / 2f) + (TextSize / 2), SKTextAlign.Left, font, ink);
            float x = Margin + labelWidth;
            foreach (Tile tile in tiles)
            {
                float cell = Math.Max(tile.Width * scale, font.MeasureText(tile.Caption));
                float left = x + ((cell - (tile.Width * scale)) / 2);
                for (int r = 0; r < tile.Height; r++)
                {
                    for (int c = 0; c < tile.Width; c++)
                    {
                        pixel.Color = tile.Colour(tile.Values[(r * tile.Width) + c]);
                        canvas.DrawRect(left + (c * scale), y + (r * scale), scale, scale, pixel);
                    }
                }
                frame.Color = tile.Border ?? new SKColor(160, 160, 160);
                frame.StrokeWidth = tile.Border is null ? 1 : 3;
                canvas.DrawRect(left - 0.5f, y - 0.5f, (tile.Width * scale) + 1, (tile.Height * scale) + 1, frame);
                canvas.DrawText(tile.Caption, x + (cell / 2), y + rowHeight + TextSize + 4, SKTextAlign.Center, font, ink);
                x += cell + Gap;
            }
            y += rowHeight + captionHeight + (Gap * 2);
        }

        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
