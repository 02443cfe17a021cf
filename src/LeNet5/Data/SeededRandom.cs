namespace LeNet5.Data;

/// <summary>
/// The library's one seeded generator, used for the initial weights, the order of every pass and the distortions:
/// SplitMix64 (Steele, Lea and Flood, <i>Fast splittable pseudorandom number generators</i>, OOPSLA 2014), written
/// here rather than <see cref="Random"/>, whose seeded sequence .NET does not promise across versions. The same seed
/// gives the same numbers on every machine, operating system, .NET version and vector width, which is what makes
/// "the same seed gives the same network, bit for bit" true.
/// </summary>
/// <remarks>Not thread-safe: each worker owns its own generator (see <see cref="ForStream"/>).</remarks>
public sealed class SeededRandom
{
    private ulong _state;

    /// <summary>A generator whose sequence is fixed by <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed; every value, negative ones included, gives its own sequence.</param>
    public SeededRandom(long seed) => _state = unchecked((ulong)seed);

    /// <summary>
    /// A generator for one stream of one pass of a run: fixed by the three numbers, and unrelated to every other
    /// (seed, pass, stream), so a pass's shuffle or a worker's distortions do not depend on how many numbers another
    /// pass or worker drew.
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="pass">The pass (epoch), from 0.</param>
    /// <param name="stream">Which stream of the pass (e.g. 1 for the shuffle, 2 + w for worker w's distortions).</param>
    /// <returns>A new generator.</returns>
    public static SeededRandom ForStream(int seed, int pass, int stream) => new(StreamSeed(seed, pass, stream));

    /// <summary>The seed <see cref="ForStream"/> starts its generator from, for <see cref="Reset"/> on a generator kept across passes.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="pass">The pass (epoch), from 0.</param>
    /// <param name="stream">Which stream of the pass.</param>
    /// <returns>A seed for <see cref="Reset"/>.</returns>
    internal static long StreamSeed(int seed, int pass, int stream)
    {
        ulong state = unchecked(((ulong)(uint)seed << 32) ^ ((ulong)(uint)pass << 8) ^ (uint)stream);
        return unchecked((long)Mix(state + 0x9E3779B97F4A7C15UL));
    }

    /// <summary>Restarts the sequence, as if newly made with <paramref name="seed"/>: for a generator reused without allocating.</summary>
    /// <param name="seed">The seed.</param>
    internal void Reset(long seed) => _state = unchecked((ulong)seed);

    /// <summary>The seed of pattern <paramref name="index"/>'s draws within one stream of a run: unrelated for every triple.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="stream">The stream (e.g. which distorted copy).</param>
    /// <param name="index">The pattern.</param>
    /// <returns>A seed for <see cref="Reset"/>.</returns>
    internal static long SeedFor(int seed, int stream, int index)
        => unchecked((long)Mix(Mix(((ulong)(uint)seed << 32) ^ (uint)stream) + ((ulong)(uint)index * 0x9E3779B97F4A7C15UL)));

    /// <summary>The next 64 random bits.</summary>
    /// <returns>A uniform 64-bit value.</returns>
    public ulong NextUInt64() => Mix(_state = unchecked(_state + 0x9E3779B97F4A7C15UL));

    /// <summary>A uniform double in [0, 1): the top 53 bits of <see cref="NextUInt64"/>, so every value is exact.</summary>
    /// <returns>A value in [0, 1).</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [−<paramref name="limit"/>, <paramref name="limit"/>).</summary>
    /// <param name="limit">The half-width; zero gives exactly zero.</param>
    /// <returns>The value.</returns>
    public double NextSymmetric(double limit) => ((2 * NextDouble()) - 1) * limit;

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), unbiased (the top incomplete range is rejected).</summary>
    /// <param name="bound">The exclusive upper bound, at least 1.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is less than 1.</exception>
    public int Next(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        ulong value;
        do
        {
            value = NextUInt64();
        }
        while (value >= limit);

        return (int)(value % (ulong)bound);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates, unbiased).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>SplitMix64's output function (a variant of MurmurHash3's finaliser).</summary>
    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
