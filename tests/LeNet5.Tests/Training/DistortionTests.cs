using LeNet5.Data;
using LeNet5.Training;

namespace LeNet5.Tests.Training;

/// <summary>
/// The random affine distortions of Section III-C: exact copies and shifts, a hand-computed bilinear value,
/// the output range, reproducibility, the drawn ranges, and the argument checks.
/// </summary>
public class DistortionTests
{
    private const int Side = Preprocessing.InputSide;
    private const float Background = Preprocessing.Background;
    private const float Ink = 1.175f;

    /// <summary>Every pixel uniform in [−0.1, 1.175], the whole valid range.</summary>
    private static float[] NoiseImage(SeededRandom random)
    {
        var image = new float[Side * Side];
        for (int i = 0; i < image.Length; i++)
            image[i] = Background + (float)(random.NextDouble() * (Ink - Background));
        return image;
    }

    /// <summary>A 32×32 field like a normalised MNIST digit: −0.1 border and background, and strokes of
    /// random thickness and grey level, some at full ink, in the central 28×28.</summary>
    private static float[] DigitLikeImage(SeededRandom random)
    {
        var image = new float[Side * Side];
        Array.Fill(image, Background);
        for (int stroke = 0; stroke < 3; stroke++)
        {
            double x = 8 + (16 * random.NextDouble()), y = 8 + (16 * random.NextDouble());
            double angle = 2 * Math.PI * random.NextDouble();
            for (int step = 0; step < 30; step++)
            {
                angle += 0.4 * (random.NextDouble() - 0.5);
                x = Math.Clamp(x + Math.Cos(angle), 3, 28);
                y = Math.Clamp(y + Math.Sin(angle), 3, 28);
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int i = ((int)y + dy) * Side + (int)x + dx;
                        float value = random.Next(3) == 0 ? Ink : Background + (float)(random.NextDouble() * (Ink - Background));
                        image[i] = Math.Max(image[i], value);
                    }
                }
            }
        }
        return image;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void Apply_WithNone_CopiesBitForBit()
    {
        var random = new SeededRandom(1);
        var destination = new float[Side * Side];
        for (int trial = 0; trial < 20; trial++)
        {
            float[] source = trial % 2 == 0 ? NoiseImage(random) : DigitLikeImage(random);
            Distortion.Apply(source, destination, DistortionOptions.None, random);
            Assert.Equal(Bits(source), Bits(destination));
        }
    }

    [Fact]
    public void Resample_WithIdentity_CopiesBitForBit()
    {
        var random = new SeededRandom(2);
        float[] source = NoiseImage(random);
        var destination = new float[Side * Side];
        Distortion.Resample(source, destination, AffineTransform.Identity.Inverse());
        Assert.Equal(Bits(source), Bits(destination));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 2)]
    [InlineData(-3, 1)]
    public void Resample_IntegerTranslation_MovesEveryPixelAndFillsWithBackground(int shiftX, int shiftY)
    {
        float[] source = NoiseImage(new SeededRandom(3));
        var destination = new float[Side * Side];
        Distortion.Resample(source, destination, AffineTransform.Translation(shiftX, shiftY).Inverse());
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                int fromX = x - shiftX, fromY = y - shiftY;
                bool inside = (uint)fromX < Side && (uint)fromY < Side;
                float expected = inside ? source[(fromY * Side) + fromX] : Background;
                float actual = destination[(y * Side) + x];
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                    $"({x}, {y}) after shift ({shiftX}, {shiftY}): expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Fact]
    public void Resample_ScaleAboutTheCentre_MatchesHandComputedBilinear()
    {
        // Forward scale 2 about c = 15.5, so destination (x, y) samples source at c + (x − c)/2.
        var source = new float[Side * Side];
        Array.Fill(source, Background);
        void Set(int x, int y, float value) => source[(y * Side) + x] = value;
        Set(15, 15, 1.0f);
        Set(16, 15, 0.2f);
        Set(15, 16, 0.6f);
        Set(16, 16, 1.175f);
        Set(17, 13, 0.4f);
        Set(18, 13, 0.8f);
        Set(17, 14, 0.0f);
        Set(18, 14, -0.1f);
        var destination = new float[Side * Side];
        Distortion.Resample(source, destination, AffineTransform.Scale(2, 2).Inverse());
        float At(int x, int y) => destination[(y * Side) + x];

        // Destination (15, 15) samples (15.25, 15.25): weights 0.75·0.75, 0.25·0.75, 0.75·0.25, 0.25·0.25.
        double centre = (0.5625 * 1.0f) + (0.1875 * 0.2f) + (0.1875 * 0.6f) + (0.0625 * 1.175f);
        Assert.Equal(centre, At(15, 15), 1e-6);
        // Destination (16, 16) samples (15.75, 15.75): the same weights mirrored.
        double opposite = (0.0625 * 1.0f) + (0.1875 * 0.2f) + (0.1875 * 0.6f) + (0.5625 * 1.175f);
        Assert.Equal(opposite, At(16, 16), 1e-6);
        // Destination (20, 12) samples (17.75, 13.75): fx = fy = 0.75 between columns 17–18 and rows 13–14.
        double offCentre = (0.25 * 0.25 * 0.4f) + (0.75 * 0.25 * 0.8f) + (0.25 * 0.75 * 0.0f) + (0.75 * 0.75 * -0.1f);
        Assert.Equal(offCentre, At(20, 12), 1e-6);
    }

    [Fact]
    public void Apply_ThousandDraws_StayWithinTheSourceRange()
    {
        var random = new SeededRandom(4);
        var destination = new float[Side * Side];
        var extreme = DistortionOptions.Default with { MaxTranslation = 16, MaxScale = 0.9f, MaxSqueeze = 0.9f, MaxShear = 1 };
        for (int draw = 0; draw < 1000; draw++)
        {
            float[] source = draw % 2 == 0 ? DigitLikeImage(random) : NoiseImage(random);
            float low = Math.Min(source.Min(), Background), high = source.Max();
            Distortion.Apply(source, destination, draw % 4 < 2 ? DistortionOptions.Default : extreme, random);
            for (int i = 0; i < destination.Length; i++)
            {
                Assert.True(destination[i] >= low && destination[i] <= high,
                    $"draw {draw}, pixel {i}: {destination[i]:R} outside [{low:R}, {high:R}]");
            }
        }
    }

    [Fact]
    public void Apply_SameSeed_SameOutput_DifferentSeed_DifferentOutput()
    {
        float[] source = DigitLikeImage(new SeededRandom(5));
        float[] Run(int seed)
        {
            var destination = new float[Side * Side];
            Distortion.Apply(source, destination, DistortionOptions.Default, new SeededRandom(seed));
            return destination;
        }

        Assert.Equal(Bits(Run(7)), Bits(Run(7)));
        Assert.NotEqual(Bits(Run(7)), Bits(Run(8)));
    }

    [Fact]
    public void Apply_IsResampleThroughTheInverseOfTheDraw()
    {
        float[] source = DigitLikeImage(new SeededRandom(6));
        var applied = new float[Side * Side];
        var resampled = new float[Side * Side];
        Distortion.Apply(source, applied, DistortionOptions.Default, new SeededRandom(9));
        var parameters = Distortion.Draw(DistortionOptions.Default, new SeededRandom(9));
        Distortion.Resample(source, resampled, parameters.ToTransform().Inverse());
        Assert.Equal(Bits(resampled), Bits(applied));
        Assert.NotEqual(Bits(source), Bits(applied));
    }

    [Fact]
    public void Draw_TenThousandDraws_StayInRangeAndCoverBothSigns()
    {
        var options = DistortionOptions.Default;
        var random = new SeededRandom(10);
        var draws = Enumerable.Range(0, 10_000).Select(_ => Distortion.Draw(options, random)).ToArray();

        void Check(string name, Func<DistortionParameters, float> value, float centre, float max)
        {
            float low = draws.Min(value), high = draws.Max(value);
            Assert.True(low >= centre - max && high <= centre + max, $"{name}: [{low}, {high}] outside {centre} ± {max}");
            // Both signs, and most of the range on each side (a uniform draw misses the last 5 % with odds 0.95^10000).
            Assert.True(low < centre - (0.95f * max) && high > centre + (0.95f * max), $"{name}: [{low}, {high}] does not cover {centre} ± {max}");
        }

        Check("translation x", p => p.TranslationX, 0, options.MaxTranslation);
        Check("translation y", p => p.TranslationY, 0, options.MaxTranslation);
        Check("scale", p => p.Scale, 1, options.MaxScale);
        Check("squeeze", p => p.Squeeze, 0, options.MaxSqueeze);
        Check("shear", p => p.Shear, 0, options.MaxShear);
        Assert.Equal(1.5f, options.MaxTranslation);
        Assert.Equal(0.1f, options.MaxScale);
        Assert.Equal(0.1f, options.MaxSqueeze);
        Assert.Equal(0.2f, options.MaxShear);
    }

    [Fact]
    public void Draw_WithNone_IsTheIdentity()
    {
        var transform = Distortion.Draw(DistortionOptions.None, new SeededRandom(11)).ToTransform();
        Assert.Equal(AffineTransform.Identity, transform);
    }

    [Fact]
    public void Transform_ScalesSqueezesShearsThenTranslates_AndInverts()
    {
        var parameters = new DistortionParameters(TranslationX: 1.5f, TranslationY: -2f, Scale: 1.1f, Squeeze: 0.1f, Shear: 0.25f);
        var forward = parameters.ToTransform();
        var inverse = forward.Inverse();
        const double C = AffineTransform.Centre;
        foreach (var (x, y) in new[] { (0.0, 0.0), (31.0, 5.0), (15.5, 15.5), (7.25, 29.0) })
        {
            // Step by step as documented: scale, squeeze, shear x += h·y, translate.
            double u = (x - C) * 1.1 * 1.1, v = (y - C) * 1.1 / 1.1;
            u += 0.25 * v;
            var (mappedX, mappedY) = forward.Map(x, y);
            Assert.Equal(u + 1.5 + C, mappedX, 4);
            Assert.Equal(v - 2 + C, mappedY, 4);
            var (backX, backY) = inverse.Map(mappedX, mappedY);
            Assert.Equal(x, backX, 4);
            Assert.Equal(y, backY, 4);
        }
    }

    [Fact]
    public void Validate_AcceptsDefaultNoneAndLimits()
    {
        DistortionOptions.Default.Validate();
        DistortionOptions.None.Validate();
        new DistortionOptions { MaxTranslation = 16, MaxScale = 0.99f, MaxSqueeze = 0.99f, MaxShear = 1 }.Validate();
    }

    public static TheoryData<string, float> BadOptions()
    {
        var data = new TheoryData<string, float>();
        foreach (string name in new[] { "MaxTranslation", "MaxScale", "MaxSqueeze", "MaxShear" })
        {
            foreach (float value in new[] { -0.01f, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                data.Add(name, value);
        }

        data.Add("MaxTranslation", 16.5f);
        data.Add("MaxScale", 1f);
        data.Add("MaxScale", 2f);
        data.Add("MaxSqueeze", 1f);
        data.Add("MaxShear", 1.5f);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_RejectsBadOptions_NamingTheOptionAndValue(string name, float value)
    {
        var options = name switch
        {
            "MaxTranslation" => DistortionOptions.Default with { MaxTranslation = value },
            "MaxScale" => DistortionOptions.Default with { MaxScale = value },
            "MaxSqueeze" => DistortionOptions.Default with { MaxSqueeze = value },
            _ => DistortionOptions.Default with { MaxShear = value },
        };
        var exception = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(name, exception.ParamName);
        Assert.Equal(value, (float)exception.ActualValue!);

        var destination = new float[Side * Side];
        var applied = Assert.Throws<ArgumentOutOfRangeException>(() => Distortion.Apply(new float[Side * Side], destination, options, new SeededRandom(1)));
        Assert.Equal(name, applied.ParamName);
    }

    [Theory]
    [InlineData(1023, 1024, "source")]
    [InlineData(1024, 1023, "destination")]
    [InlineData(0, 1024, "source")]
    public void Apply_ShortSpans_Throw(int sourceLength, int destinationLength, string parameter)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(
            () => Distortion.Apply(new float[sourceLength], new float[destinationLength], DistortionOptions.Default, new SeededRandom(1)));
        Assert.Equal(parameter, exception.ParamName);
        var resampled = Assert.ThrowsAny<ArgumentException>(
            () => Distortion.Resample(new float[sourceLength], new float[destinationLength], AffineTransform.Identity));
        Assert.Equal(parameter, resampled.ParamName);
    }

    [Fact]
    public void Apply_LongerSpans_UseTheFirst1024AndLeaveTheRest()
    {
        float[] source = [.. NoiseImage(new SeededRandom(12)), 5f];
        var destination = new float[(Side * Side) + 3];
        destination.AsSpan(Side * Side).Fill(7f);
        Distortion.Apply(source, destination, DistortionOptions.None, new SeededRandom(1));
        Assert.Equal(Bits(source[..(Side * Side)]), Bits(destination[..(Side * Side)]));
        Assert.Equal([7f, 7f, 7f], destination[(Side * Side)..]);
    }

    [Fact]
    public void Apply_OverlappingOrNullArguments_Throw()
    {
        var buffer = new float[2 * Side * Side];
        Assert.Throws<ArgumentException>(() => Distortion.Apply(buffer, buffer.AsSpan(10), DistortionOptions.Default, new SeededRandom(1)));
        Assert.Throws<ArgumentNullException>(() => Distortion.Apply(new float[1024], new float[1024], null!, new SeededRandom(1)));
        Assert.Throws<ArgumentNullException>(() => Distortion.Apply(new float[1024], new float[1024], DistortionOptions.Default, null!));
    }
}
