using LeNet5.Kernels;

namespace LeNet5.Tests;

/// <summary>Shared helpers: seeded random data, tolerance checks that print the worst element, and the SIMD widths to force.</summary>
internal static class TestUtil
{
    /// <summary>The committed fixtures written by tools/make_reference.py (PyTorch).</summary>
    public static string ReferenceData(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "reference", file);

    public static float[] RandomFloats(Random random, int length, double scale = 1)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(((2 * random.NextDouble()) - 1) * scale);
        return values;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i];
        return result;
    }

    /// <summary>
    /// |actual − expected| ≤ tolerance · max(1, max|expected|) for every element: float kernels against a
    /// double reference accumulate rounding in proportion to the magnitudes summed, so the scale is the tensor's.
    /// </summary>
    /// <returns>The largest difference divided by the scale, for reports.</returns>
    public static double AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        double scale = 1;
        foreach (double e in expected)
            scale = Math.Max(scale, Math.Abs(e));
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            if (!(difference <= worst) || double.IsNaN(difference))
            {
                worst = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                worstAt = i;
            }
        }
        Assert.True(worst <= tolerance * scale,
            $"{what}: max |difference| {worst:G4} at {worstAt} (expected {(worstAt >= 0 ? expected[worstAt] : 0):G9}, got {(worstAt >= 0 ? actual[worstAt] : 0):G9}) exceeds {tolerance:G2} × scale {scale:G4}");
        return worst / scale;
    }

    /// <summary>
    /// Every value of <see cref="Simd.MaxBits"/>: 512, 256, 128 and 32 (scalar), on every machine. A width the
    /// hardware does not accelerate still runs (.NET emulates it, slowly), so every path is tested everywhere.
    /// </summary>
    public static int[] Widths() => [512, 256, 128, 32];

    /// <summary><see cref="Widths"/> as theory data.</summary>
    public static TheoryData<int> WidthData() => new(Widths());

    /// <summary>
    /// The bytes this thread allocated in each run of <paramref name="round"/> (already warmed up by the caller), up to ten
    /// runs with a pause between them, stopping at the first that allocates nothing: code the tiered JIT has not yet
    /// recompiled allocates on .NET 8 (its first tier boxes some vector operations), once per method, while an allocation
    /// per round shows in every one. The last entry is 0 exactly when a round allocates nothing in steady state.
    /// </summary>
    public static List<long> BytesPerRoundOnceWarm(Action round)
    {
        var rounds = new List<long>();
        for (int i = 0; i < 10 && (rounds.Count == 0 || rounds[^1] != 0); i++)
        {
            if (i > 0)
                Thread.Sleep(200);
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return rounds;
    }

    /// <summary>Runs <paramref name="action"/> with <see cref="Simd.MaxBits"/> lowered to <paramref name="bits"/>.</summary>
    public static void WithWidth(int bits, Action action)
    {
        int saved = Simd.MaxBits;
        Simd.MaxBits = bits;
        try
        {
            action();
        }
        finally
        {
            Simd.MaxBits = saved;
        }
    }
}

/// <summary>Tests that change <see cref="Simd.MaxBits"/> run alone.</summary>
[CollectionDefinition("Simd", DisableParallelization = true)]
public sealed class SimdCollection
{
}
