namespace LeNet5.Data;

/// <summary>
/// A deterministic shuffle: the same seed gives the same order on every machine, operating system and .NET version
/// (its generator is SplitMix64, written here, not <see cref="Random"/>, whose seeded sequence is not promised).
/// </summary>
public static class SeededShuffle
{
    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates, unbiased).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    /// <param name="seed">The seed.</param>
    public static void Shuffle<T>(Span<T> items, long seed)
    {
        ulong state = (ulong)seed;
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)Below(ref state, (uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A permutation of 0 … <paramref name="count"/> − 1.</summary>
    /// <param name="count">The number of indices.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The indices in shuffled order.</returns>
    public static int[] Permutation(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        Shuffle<int>(indices, seed);
        return indices;
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014).</summary>
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, bound), by rejection of the top incomplete range.</summary>
    private static ulong Below(ref ulong state, uint bound)
    {
        ulong limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong value;
        do
        {
            value = Next(ref state);
        }
        while (value >= limit);

        return value % bound;
    }
}
