namespace LeNet5.Model;

/// <summary>
/// The fixed parameter vectors of the RBF output units: 7×12 stylised bitmaps of the digits 0–9, after the
/// paper's Fig. 3 (Section II-B). Ink is +1 and background −1, 84 values row by row, so that each prototype
/// is a point F6's squashed outputs (range ±1.7159) can reach comfortably.
/// <para>
/// Drawn bold, two pixels a stroke, over the whole 12 rows, so that the digits lie far apart: any two differ in 24 to
/// 57 of the 84 pixels (mean 39). The first drawing, one pixel a stroke with the top and bottom rows blank, had its
/// closest pair (2 and 3) 11 pixels apart (mean 26), and the paper's recipe over seeds 1–8 gave 1.02 % test error with
/// it against 0.94 % with these (see the README).
/// </para>
/// </summary>
public static class RbfPrototypes
{
    /// <summary>Width of a prototype bitmap.</summary>
    public const int Width = 7;

    /// <summary>Height of a prototype bitmap.</summary>
    public const int Height = 12;

    /// <summary>Values per prototype (the width of F6).</summary>
    public const int Length = Width * Height;

    /// <summary>Number of prototypes (classes). The same constant as <see cref="Data.MnistDataset.ClassCount"/>.</summary>
    public const int Count = Data.MnistDataset.ClassCount;

    // One digit per block of 12 rows; '#' is ink (+1), '.' background (-1).
    private const string Bitmaps =
        """
        ..###..  ...##..  .#####.  ######.  ....##.  #######  ...###.  #######  .#####.  .#####.
        .##.##.  ..###..  ##...##  .....##  ...###.  ##.....  ..##...  #....##  ##...##  ##...##
        ##...##  .####..  .....##  .....##  ..####.  ##.....  .##....  ....##.  ##...##  ##...##
        ##...##  ...##..  .....##  .....##  .##.##.  ##.....  ##.....  ....##.  .##.##.  ##...##
        ##...##  ...##..  ....##.  ..####.  ##..##.  ######.  ##.....  ...##..  ..###..  ##...##
        ##...##  ...##..  ...##..  ..####.  #######  .....##  ######.  ...##..  ..###..  .######
        ##...##  ...##..  ..##...  .....##  #######  .....##  ###..##  ..##...  .##.##.  .....##
        ##...##  ...##..  .##....  .....##  ....##.  .....##  ##...##  ..##...  ##...##  .....##
        ##...##  ...##..  ##.....  .....##  ....##.  .....##  ##...##  ..##...  ##...##  ....##.
        .##.##.  ...##..  ##.....  .....##  ....##.  .....##  ##...##  ..##...  ##...##  ...##..
        ..###..  ...##..  ##.....  .....##  ....##.  ##..##.  .##.##.  ..##...  ##...##  ..##...
        .......  .######  #######  ######.  ....##.  .###...  ..###..  ..##...  .#####.  .##....
        """;

    // The paper's alternative (Section II-B): "they could have been chosen at random with equal probabilities for −1 and
    // +1, or even chosen to form an error correcting code". Chosen greedily for distance: each code the farthest, by its
    // nearest earlier code, of 2,000 drawn from SeededRandom(77) (Next(2) per pixel, 0 for −1). Any two differ in 41 to 56
    // of the 84 places (mean 45); the bitmaps above differ in as few as 24 (3 and 8), mean 39.
    private const string SeparatedCodes =
        """
        #..##..  .#...##  .###...  ..##.##  .####..  #..##.#  .##.###  ###...#  .##.#.#  ##..#.#
        ####.##  #.##..#  .#..#..  #.#.##.  .#....#  ####...  .##.###  ##.###.  ....##.  #...###
        .##...#  ...###.  #...#..  ####.#.  .#.##.#  ##.#.##  #.#.#..  .###...  .#.....  ###..##
        .....#.  ###..##  #..#...  .#.##.#  ###.#.#  .######  .....##  ...#.##  ###.#..  #.#..#.
        #..##.#  .##...#  ####.#.  ##.####  .#..#..  ..#.##.  #.....#  #.##...  ..#....  ##.####
        .##.#..  #..####  ##.####  ..##...  #.##...  .#.#..#  .#.#.#.  ..##..#  ###.##.  #.#..##
        ..##.#.  #..##.#  ..#....  ...#.##  ##...#.  ###....  #...##.  ##.##..  .....##  #.##...
        .#...#.  ..#..#.  ..#.#.#  #.###..  ##.#..#  ##..#..  ##....#  #.##.##  ..###..  #...###
        ###.##.  .###...  ..#..##  #..#..#  ###.##.  .#.#.#.  ..#####  .##.#.#  #..#...  ..#....
        .#.#...  ..#..##  #..##.#  .###.##  .#.#..#  #.####.  #.#.#..  #####..  .#..##.  .##.#.#
        .#.#..#  ###.###  ...#.##  ##.##..  #..###.  .##....  ######.  #.....#  ..#...#  .#####.
        ...###.  .##...#  .....##  ##.#...  #.#...#  #.###.#  ..###..  ##..###  #.###.#  ###..#.
        """;

    private static readonly float[] s_values = Parse(Bitmaps);
    private static readonly float[] s_codes = Parse(SeparatedCodes);

    /// <summary>The ten prototypes, [10, 84], row-major: prototype <c>i</c> is <c>[84·i, 84·i + 84)</c>.</summary>
    public static ReadOnlySpan<float> Values => s_values;

    /// <summary>
    /// Ten ±1 codes chosen to lie far apart, [10, 84] as <see cref="Values"/>: the alternative the paper names (Section II-B,
    /// random ±1 or an error-correcting code), noting that its bitmaps are "not particularly useful for recognizing isolated
    /// digits". Any two differ in at least 41 of the 84 places, the bitmaps' closest pair (3 and 8) in 24 (see the README
    /// for what each gives). Copy them into
    /// <see cref="Network.LeNet5Network.Prototypes"/> before training: a model file keeps the prototypes it was trained with.
    /// </summary>
    public static ReadOnlySpan<float> Codes => s_codes;

    /// <summary>Copies the prototypes into <paramref name="destination"/> (length 840).</summary>
    public static void CopyTo(Span<float> destination) => s_values.CopyTo(destination);

    private static float[] Parse(string picture)
    {
        string[] rows = picture.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        if (rows.Length != Height)
            throw new InvalidOperationException($"RBF bitmaps have {rows.Length} rows; expected {Height}.");
        var values = new float[Count * Length];
        for (int y = 0; y < Height; y++)
        {
            string[] cells = rows[y].Split("  ");
            if (cells.Length != Count)
                throw new InvalidOperationException($"RBF bitmap row {y} has {cells.Length} digits; expected {Count}.");
            for (int digit = 0; digit < Count; digit++)
            {
                if (cells[digit].Length != Width)
                    throw new InvalidOperationException($"RBF bitmap row {y} of digit {digit} has width {cells[digit].Length}; expected {Width}.");
                for (int x = 0; x < Width; x++)
                    values[digit * Length + y * Width + x] = cells[digit][x] == '#' ? 1f : -1f;
            }
        }
        return values;
    }
}
