using LeNet5.Data;

namespace LeNet5.Tests.Data;

public class SeededShuffleTests
{
    [Fact]
    public void TheSameSeed_GivesTheSamePermutationEverywhere()
    {
        // Pinned: SplitMix64 is written in the library, so this order must never change.
        Assert.Equal(Pinned, SeededShuffle.Permutation(10, 1));
        Assert.Equal(SeededShuffle.Permutation(1000, -7), SeededShuffle.Permutation(1000, -7));
        Assert.NotEqual(SeededShuffle.Permutation(1000, 1), SeededShuffle.Permutation(1000, 2));
    }

    [Fact]
    public void APermutation_HoldsEveryIndexOnce()
    {
        int[] p = SeededShuffle.Permutation(60_000, 123);
        Assert.Equal(Enumerable.Range(0, 60_000), p.Order());
        Assert.Empty(SeededShuffle.Permutation(0, 1));
        Assert.Equal([0], SeededShuffle.Permutation(1, 1));
    }

    [Fact]
    public void EveryPosition_IsAboutEquallyLikely()
    {
        var counts = new int[4, 4];
        for (int seed = 0; seed < 40_000; seed++)
        {
            int[] p = SeededShuffle.Permutation(4, seed);
            for (int i = 0; i < 4; i++)
            {
                counts[i, p[i]]++;
            }
        }

        foreach (int count in counts)
        {
            Assert.InRange(count, 9_500, 10_500);
        }
    }

    private static int[] Pinned => [4, 2, 8, 1, 9, 3, 0, 6, 7, 5];
}
