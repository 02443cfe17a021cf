namespace LeNet5.Data;

/// <summary>
/// A deterministic shuffle: the same seed gives the same order on every machine, operating system and .NET version
/// (its generator is the library's own <see cref="SeededRandom"/>).
/// </summary>
public static class SeededShuffle
{
    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates, unbiased).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    /// <param name="seed">The seed.</param>
    public static void Shuffle<T>(Span<T> items, long seed) => new SeededRandom(seed).Shuffle(items);

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
}
