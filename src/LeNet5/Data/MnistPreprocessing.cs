namespace LeNet5.Data;

/// <summary>
/// Turns a digit image of any size into a 28×28 MNIST digit, the way MNIST's own digits were made (LeCun et al. 1998,
/// Section III-A): the digit's bounding box is scaled, keeping its aspect ratio, to fit a 20×20 box, with
/// anti-aliasing (each output pixel is the average of the source area it covers), and placed in the 28×28 field so
/// that its centre of mass is at the centre: at pixel (14, 14), counting from 0, within half a pixel, where MNIST's
/// own digits have it. The result is what <see cref="Network.LeNet5Network.Predict(ReadOnlySpan{byte})"/>
/// and <see cref="Preprocessing.Normalize28x28"/> take: 0 the background, 255 full ink.
/// </summary>
/// <remarks>
/// <para>
/// Before that, the image is put the MNIST way round: the background level is the median of the image's outermost
/// pixels; with <see cref="InkPolarity.Auto"/> the ink is whichever extreme (darkest or lightest pixel) lies farther
/// from it, so dark ink on light paper and light ink on a dark screen both work. Ink is then measured from the
/// background and stretched so that the strongest ink is 255; levels below <see cref="NoiseFloor"/> become
/// background, so that paper grain and compression noise do not widen the bounding box.
/// </para>
/// <para>
/// A real MNIST digit comes back almost unchanged: its ink already fits the 20×20 box (so it is scaled by 1 when its
/// longer side is 20) and it is already centred by mass. The arithmetic is integer or double precision and has no
/// randomness: the same pixels always give the same bytes.
/// </para>
/// </remarks>
public static class MnistPreprocessing
{
    /// <summary>The side of the box the digit's bounding box is scaled to fit: 20 pixels.</summary>
    public const int DigitBox = 20;

    /// <summary>
    /// Ink below this level (of 255, after the ink is measured from the background and stretched to 255) is taken for
    /// background: 1/16 of full ink.
    /// </summary>
    public const int NoiseFloor = 16;

    /// <summary>
    /// The least contrast, in grey levels between the background and the strongest ink, for an image to hold a digit.
    /// </summary>
    public const int MinimumContrast = 32;

    /// <summary>Prepares one digit: see <see cref="MnistPreprocessing"/>.</summary>
    /// <param name="grayscale">The image's <paramref name="width"/> × <paramref name="height"/> grey levels, row by row, 0 black and 255 white.</param>
    /// <param name="width">The image's width in pixels, at least 1.</param>
    /// <param name="height">The image's height in pixels, at least 1.</param>
    /// <param name="polarity">Which way round the digit is drawn; <see cref="InkPolarity.Auto"/> decides from the border.</param>
    /// <returns>784 bytes, a 28×28 MNIST digit row by row: 0 the background, 255 full ink.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1.</exception>
    /// <exception cref="ArgumentException">The buffer is not width × height bytes, or the image holds no digit (less contrast than <see cref="MinimumContrast"/>).</exception>
    public static byte[] Prepare(ReadOnlySpan<byte> grayscale, int width, int height, InkPolarity polarity = InkPolarity.Auto)
    {
        var destination = new byte[Preprocessing.MnistSize];
        Prepare(grayscale, width, height, destination, polarity);
        return destination;
    }

    /// <summary>Prepares one digit into a caller's buffer: see <see cref="MnistPreprocessing"/>.</summary>
    /// <param name="grayscale">The image's <paramref name="width"/> × <paramref name="height"/> grey levels, row by row, 0 black and 255 white.</param>
    /// <param name="width">The image's width in pixels, at least 1.</param>
    /// <param name="height">The image's height in pixels, at least 1.</param>
    /// <param name="destination784">Receives the 28×28 MNIST digit, row by row: 0 the background, 255 full ink.</param>
    /// <param name="polarity">Which way round the digit is drawn; <see cref="InkPolarity.Auto"/> decides from the border.</param>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1.</exception>
    /// <exception cref="ArgumentException">A buffer has the wrong length, or the image holds no digit (less contrast than <see cref="MinimumContrast"/>).</exception>
    public static void Prepare(ReadOnlySpan<byte> grayscale, int width, int height, Span<byte> destination784, InkPolarity polarity = InkPolarity.Auto)
    {
        RequireShape(grayscale.Length, width, height, nameof(grayscale));
        if (destination784.Length != Preprocessing.MnistSize)
        {
            throw new ArgumentException($"The destination must hold {Preprocessing.MnistSize} bytes (28×28); it holds {destination784.Length}.", nameof(destination784));
        }

        if (!Enum.IsDefined(polarity))
        {
            throw new ArgumentOutOfRangeException(nameof(polarity), polarity, "Not an ink polarity.");
        }

        int background = BorderMedian(grayscale, width, height);
        byte darkest = byte.MaxValue, lightest = byte.MinValue;
        foreach (byte p in grayscale)
        {
            darkest = Math.Min(darkest, p);
            lightest = Math.Max(lightest, p);
        }

        if (polarity == InkPolarity.Auto)
        {
            polarity = Choose(background, darkest, lightest);
        }

        bool dark = polarity == InkPolarity.DarkOnLight;
        int range = dark ? background - darkest : lightest - background;
        if (range < MinimumContrast)
        {
            throw new ArgumentException(
                $"The image holds no digit: its strongest {(dark ? "dark" : "light")} ink is {Math.Max(range, 0)} grey levels from the background ({background}); at least {MinimumContrast} are needed.",
                nameof(grayscale));
        }

        // Ink measured from the background, stretched to 0–255, the noise floor cut; and its bounding box.
        var ink = new byte[grayscale.Length];
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                int level = dark ? background - grayscale[i] : grayscale[i] - background;
                int stretched = level <= 0 ? 0 : ((level * 255) + (range / 2)) / range;
                if (stretched < NoiseFloor)
                {
                    continue;
                }

                ink[i] = (byte)Math.Min(stretched, 255);
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                top = Math.Min(top, y);
                bottom = Math.Max(bottom, y);
            }
        }

        // range ≥ MinimumContrast guarantees one pixel at full ink, so the box is not empty.
        int boxWidth = right - left + 1, boxHeight = bottom - top + 1;
        int longer = Math.Max(boxWidth, boxHeight);
        int fittedWidth = boxWidth == longer ? DigitBox : Math.Max(1, (int)Math.Round((double)boxWidth * DigitBox / longer, MidpointRounding.AwayFromZero));
        int fittedHeight = boxHeight == longer ? DigitBox : Math.Max(1, (int)Math.Round((double)boxHeight * DigitBox / longer, MidpointRounding.AwayFromZero));
        double[] fitted = Resample(ink, width, left, top, boxWidth, boxHeight, fittedWidth, fittedHeight);

        // Centre of mass, in pixel indices, moved by whole pixels to (14, 14), where MNIST's digits have it.
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < fittedHeight; y++)
        {
            for (int x = 0; x < fittedWidth; x++)
            {
                double v = fitted[(y * fittedWidth) + x];
                mass += v;
                sumX += v * x;
                sumY += v * y;
            }
        }

        const double Centre = Preprocessing.MnistSide / 2;
        int offsetX = (int)Math.Round(Centre - (mass > 0 ? sumX / mass : (fittedWidth - 1) / 2.0), MidpointRounding.AwayFromZero);
        int offsetY = (int)Math.Round(Centre - (mass > 0 ? sumY / mass : (fittedHeight - 1) / 2.0), MidpointRounding.AwayFromZero);

        destination784.Clear();
        for (int y = 0; y < fittedHeight; y++)
        {
            int row = y + offsetY;
            if (row is < 0 or >= Preprocessing.MnistSide)
            {
                continue;
            }

            for (int x = 0; x < fittedWidth; x++)
            {
                int column = x + offsetX;
                if (column is >= 0 and < Preprocessing.MnistSide)
                {
                    destination784[(row * Preprocessing.MnistSide) + column] = (byte)Math.Clamp(Math.Round(fitted[(y * fittedWidth) + x], MidpointRounding.AwayFromZero), 0, 255);
                }
            }
        }
    }

    /// <summary>
    /// Which way round a digit image is drawn: the background is the median of the outermost pixels (the first and
    /// last rows and columns), and the ink is whichever of the darkest and the lightest pixel lies farther from it
    /// (light ink when they are equally far).
    /// </summary>
    /// <param name="grayscale">The image's grey levels, row by row, 0 black and 255 white.</param>
    /// <param name="width">The image's width in pixels, at least 1.</param>
    /// <param name="height">The image's height in pixels, at least 1.</param>
    /// <returns><see cref="InkPolarity.LightOnDark"/> or <see cref="InkPolarity.DarkOnLight"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1.</exception>
    /// <exception cref="ArgumentException">The buffer is not width × height bytes.</exception>
    public static InkPolarity DetectPolarity(ReadOnlySpan<byte> grayscale, int width, int height)
    {
        RequireShape(grayscale.Length, width, height, nameof(grayscale));
        byte darkest = byte.MaxValue, lightest = byte.MinValue;
        foreach (byte p in grayscale)
        {
            darkest = Math.Min(darkest, p);
            lightest = Math.Max(lightest, p);
        }

        return Choose(BorderMedian(grayscale, width, height), darkest, lightest);
    }

    /// <summary>
    /// The grey levels of an RGBA image: luminance Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601), rounded to
    /// the nearest level. Where the image is transparent, the pixels are laid over a background that contrasts with the opaque
    /// ones (white under dark strokes, black under light ones), so that a digit drawn on a transparent canvas keeps
    /// its shape whatever colour the transparent pixels hold.
    /// </summary>
    /// <param name="rgba">4 bytes per pixel (red, green, blue, alpha; alpha 255 opaque), row by row.</param>
    /// <param name="width">The image's width in pixels, at least 1.</param>
    /// <param name="height">The image's height in pixels, at least 1.</param>
    /// <returns><paramref name="width"/> × <paramref name="height"/> grey levels, 0 black and 255 white.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1.</exception>
    /// <exception cref="ArgumentException">The buffer is not 4 × width × height bytes.</exception>
    public static byte[] Grayscale(ReadOnlySpan<byte> rgba, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if ((long)width * height * 4 != rgba.Length)
        {
            throw new ArgumentException($"An RGBA image of {width}×{height} holds {(long)width * height * 4} bytes; the buffer holds {rgba.Length}.", nameof(rgba));
        }

        var gray = new byte[width * height];
        long weightedLuminance = 0, weight = 0;
        bool transparent = false;
        for (int i = 0; i < gray.Length; i++)
        {
            int r = rgba[4 * i], g = rgba[(4 * i) + 1], b = rgba[(4 * i) + 2], a = rgba[(4 * i) + 3];
            gray[i] = (byte)(((299 * r) + (587 * g) + (114 * b) + 500) / 1000);
            weightedLuminance += (long)gray[i] * a;
            weight += a;
            transparent |= a != 255;
        }

        if (transparent)
        {
            // Mostly dark opaque pixels go over white, mostly light ones over black; nothing opaque: white.
            int under = weight == 0 || weightedLuminance < 128 * weight ? 255 : 0;
            for (int i = 0; i < gray.Length; i++)
            {
                int a = rgba[(4 * i) + 3];
                gray[i] = (byte)(((gray[i] * a) + (under * (255 - a)) + 127) / 255);
            }
        }

        return gray;
    }

    private static InkPolarity Choose(int background, int darkest, int lightest)
        => lightest - background >= background - darkest ? InkPolarity.LightOnDark : InkPolarity.DarkOnLight;

    private static void RequireShape(int length, int width, int height, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if ((long)width * height != length)
        {
            throw new ArgumentException($"A {width}×{height} image holds {(long)width * height} pixels; the buffer holds {length}.", name);
        }
    }

    /// <summary>The median grey level of the first and last rows and columns (the lower median for an even count).</summary>
    private static int BorderMedian(ReadOnlySpan<byte> grayscale, int width, int height)
    {
        Span<int> histogram = stackalloc int[256];
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y == 0 || y == height - 1;
            for (int x = 0; x < width; x++)
            {
                if (edgeRow || x == 0 || x == width - 1)
                {
                    histogram[grayscale[(y * width) + x]]++;
                    count++;
                }
            }
        }

        int half = (count + 1) / 2, seen = 0;
        for (int level = 0; level < histogram.Length; level++)
        {
            seen += histogram[level];
            if (seen >= half)
            {
                return level;
            }
        }

        return 255;
    }

    /// <summary>
    /// Area-averaging resampling of a box of <paramref name="source"/> to <paramref name="toWidth"/> × <paramref name="toHeight"/>:
    /// each output pixel is the mean of the source area it covers (pixels as unit squares), separably.
    /// </summary>
    private static double[] Resample(byte[] source, int stride, int left, int top, int fromWidth, int fromHeight, int toWidth, int toHeight)
    {
        var (columnStart, columnWeights) = Weights(fromWidth, toWidth);
        var (rowStart, rowWeights) = Weights(fromHeight, toHeight);

        // Columns first: fromHeight rows of toWidth values.
        var horizontal = new double[fromHeight * toWidth];
        for (int y = 0; y < fromHeight; y++)
        {
            int rowOffset = ((top + y) * stride) + left;
            for (int x = 0; x < toWidth; x++)
            {
                double sum = 0;
                double[] weights = columnWeights[x];
                for (int k = 0; k < weights.Length; k++)
                {
                    sum += weights[k] * source[rowOffset + columnStart[x] + k];
                }

                horizontal[(y * toWidth) + x] = sum;
            }
        }

        var result = new double[toHeight * toWidth];
        for (int y = 0; y < toHeight; y++)
        {
            double[] weights = rowWeights[y];
            for (int k = 0; k < weights.Length; k++)
            {
                int sourceRow = (rowStart[y] + k) * toWidth;
                for (int x = 0; x < toWidth; x++)
                {
                    result[(y * toWidth) + x] += weights[k] * horizontal[sourceRow + x];
                }
            }
        }

        return result;
    }

    /// <summary>For each of <paramref name="to"/> output pixels, the first source pixel it covers and the weights (summing to 1) of those it covers.</summary>
    private static (int[] Start, double[][] Weights) Weights(int from, int to)
    {
        var start = new int[to];
        var weights = new double[to][];
        double scale = (double)from / to;
        for (int j = 0; j < to; j++)
        {
            // Output pixel j covers [j·scale, (j+1)·scale) of the source; integer arithmetic keeps whole-pixel edges exact.
            long lowNumerator = (long)j * from, highNumerator = (long)(j + 1) * from;
            int first = (int)(lowNumerator / to);
            int last = (int)Math.Min(from - 1, (highNumerator - 1) / to);
            start[j] = first;
            weights[j] = new double[last - first + 1];
            for (int i = first; i <= last; i++)
            {
                double low = Math.Max(i, (double)lowNumerator / to), high = Math.Min(i + 1, (double)highNumerator / to);
                weights[j][i - first] = (high - low) / scale;
            }
        }

        return (start, weights);
    }
}
