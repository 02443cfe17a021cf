using LeNet5.Model;

namespace LeNet5.Tests.Model;

public class RbfPrototypesTests
{
    /// <summary>
    /// The parser can only produce ±1, so that alone could not fail; the ink of each digit (counted from the
    /// drawing) and the orientation (row by row, digit by digit) can: a changed bitmap, a transposed or mirrored
    /// parse, or digits in the wrong order fail here.
    /// </summary>
    [Fact]
    public void Prototypes_AreTenBitmapsOfPlusMinusOne()
    {
        Assert.Equal(840, RbfPrototypes.Values.Length);
        foreach (float v in RbfPrototypes.Values)
            Assert.True(v is 1f or -1f);

        int[] ink = [42, 31, 34, 36, 41, 36, 41, 30, 48, 39];
        for (int digit = 0; digit < 10; digit++)
        {
            int count = 0;
            foreach (float v in RbfPrototypes.Values.Slice(digit * 84, 84))
                count += v > 0 ? 1 : 0;
            Assert.True(ink[digit] == count, $"digit {digit} has {count} ink pixels; its bitmap has {ink[digit]}");
        }

        // Row 1 of the 1 is "..###.." and of the 4 "...###.": the ink is where the drawing puts it, row-major.
        Assert.Equal([-1f, -1f, 1f, 1f, 1f, -1f, -1f], RbfPrototypes.Values.Slice((1 * 84) + 7, 7).ToArray());
        Assert.Equal([-1f, -1f, -1f, 1f, 1f, 1f, -1f], RbfPrototypes.Values.Slice((4 * 84) + 7, 7).ToArray());
        // The 7's top stroke, row 0, is ink from edge to edge.
        Assert.All(RbfPrototypes.Values.Slice(7 * 84, 7).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Prototypes_AreWellSeparated()
    {
        // Distinct digits must differ in enough pixels for the RBF penalties to separate the classes: the bold drawing's
        // closest pair (3 and 8) in 24 (the first, thin drawing's 2 and 3 in only 11).
        for (int a = 0; a < 10; a++)
        {
            for (int b = a + 1; b < 10; b++)
            {
                int differing = 0;
                for (int j = 0; j < 84; j++)
                    differing += RbfPrototypes.Values[(a * 84) + j] != RbfPrototypes.Values[(b * 84) + j] ? 1 : 0;
                Assert.True(differing >= 24, $"digits {a} and {b} differ in only {differing} pixels");
            }
        }
    }

    /// <summary>
    /// The separated codes are what their comment says: rerunning the stated choice (each of ten codes the farthest, by its
    /// nearest earlier code, of 2,000 drawn from SeededRandom(77)) gives them exactly, and the distances quoted hold.
    /// </summary>
    [Fact]
    public void Codes_AreTheGreedyChoiceTheirCommentDescribes()
    {
        var random = new LeNet5.Data.SeededRandom(77);
        var chosen = new List<float[]>();
        while (chosen.Count < 10)
        {
            float[] best = [];
            int bestDistance = -1;
            for (int candidate = 0; candidate < 2000; candidate++)
            {
                var code = new float[84];
                for (int k = 0; k < 84; k++)
                    code[k] = random.Next(2) == 0 ? -1 : 1;
                int distance = chosen.Count == 0 ? 84 : chosen.Min(other => Differing(other, code));
                if (distance > bestDistance)
                {
                    bestDistance = distance;
                    best = code;
                }
            }
            chosen.Add(best);
        }
        Assert.Equal(chosen.SelectMany(c => c).ToArray(), RbfPrototypes.Codes.ToArray());

        var codePairs = Pairs(RbfPrototypes.Codes.ToArray());
        Assert.Equal((41, 56), (codePairs.Min(), codePairs.Max()));
        Assert.Equal(45.0, codePairs.Average(), 1);
        var bitmapPairs = Pairs(RbfPrototypes.Values.ToArray());
        Assert.Equal((24, 57), (bitmapPairs.Min(), bitmapPairs.Max()));
        Assert.Equal(39, bitmapPairs.Average(), 0);
    }

    private static int Differing(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int count = 0;
        for (int j = 0; j < a.Length; j++)
            count += a[j] != b[j] ? 1 : 0;
        return count;
    }

    private static List<int> Pairs(float[] prototypes)
    {
        var distances = new List<int>();
        for (int a = 0; a < 10; a++)
        {
            for (int b = a + 1; b < 10; b++)
                distances.Add(Differing(prototypes.AsSpan(a * 84, 84), prototypes.AsSpan(b * 84, 84)));
        }
        return distances;
    }
}
