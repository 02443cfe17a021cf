using LeNet5.Data;
using LeNet5.Network;

namespace LeNet5.Tests.Data;

public class SeededRandomTests
{
    [Fact]
    public void TheSequence_IsSplitMix64sPublishedOne()
    {
        // The reference outputs of Vigna's splitmix64.c for seed 1234567 (also recomputed from the definition in
        // Python): if these move, every seeded network, order and distortion of the library moves with them.
        var random = new SeededRandom(1234567);
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong value in expected)
            Assert.Equal(value, random.NextUInt64());
        Assert.Equal(0xE220A8397B1DCDAFUL, new SeededRandom(0).NextUInt64());
    }

    [Fact]
    public void TheInitialWeights_FollowFromTheSeedAlone()
    {
        // Appendix A: C1's weights uniform in ±2.4/25; map 0's 25 kernel weights are the first 25 draws and its bias
        // the 26th. The numbers were computed in Python from SplitMix64 (seed 1) and (2u − 1)·2.4/25 rounded to float.
        var network = LeNet5Network.Create(seed: 1);
        Assert.Equal(0.012779822573065758f, network.Parameters[0]);
        Assert.Equal(0.047190096229314804f, network.Parameters[1]);
        Assert.Equal(0.0904325321316719f, network.Parameters[2]);
        Assert.Equal(-0.08680297434329987f, network.Parameters[6 * 25]);
    }

    [Fact]
    public void DoublesLieInTheUnitIntervalAndBoundedIntegers_AreUniform()
    {
        var random = new SeededRandom(42);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            double u = random.NextDouble();
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
            counts[random.Next(7)]++;
        }

        // 10,000 expected per bin, standard deviation about 93: ±500 is more than five of them.
        foreach (int count in counts)
            Assert.InRange(count, 9_500, 10_500);
        Assert.Equal(0, random.Next(1));
        Assert.Equal(0.0, random.NextSymmetric(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.Next(0));
    }

    [Fact]
    public void StreamsOfA_RunAreFixedAndDistinct()
    {
        Assert.Equal(SeededRandom.ForStream(1, 3, 2).NextUInt64(), SeededRandom.ForStream(1, 3, 2).NextUInt64());
        var firsts = new HashSet<ulong>();
        for (int seed = 0; seed < 4; seed++)
        {
            for (int pass = 0; pass < 20; pass++)
            {
                for (int stream = 1; stream < 4; stream++)
                    firsts.Add(SeededRandom.ForStream(seed, pass, stream).NextUInt64());
            }
        }

        Assert.Equal(4 * 20 * 3, firsts.Count);
    }

    [Fact]
    public void AGeneratorRestartedForAStream_DrawsWhatANewOneWould()
    {
        // ForStream(1, 3, 2)'s first two draws, computed in Python from the definition: SplitMix64 started from
        // mix(((1 << 32) ^ (3 << 8) ^ 2) + 0x9E3779B97F4A7C15). The trainer keeps its generators across passes and
        // restarts them with StreamSeed, so a pass allocates none; its shuffles must not move by a single draw.
        var fresh = SeededRandom.ForStream(1, 3, 2);
        Assert.Equal(6120120303149415098UL, fresh.NextUInt64());
        Assert.Equal(13740961023823886958UL, fresh.NextUInt64());

        var reused = new SeededRandom(99);
        for (int pass = 0; pass < 5; pass++)
        {
            for (int stream = 0; stream < 4; stream++)
            {
                reused.NextUInt64();
                reused.Reset(SeededRandom.StreamSeed(7, pass, stream));
                var expected = SeededRandom.ForStream(7, pass, stream);
                for (int draw = 0; draw < 3; draw++)
                    Assert.Equal(expected.NextUInt64(), reused.NextUInt64());
            }
        }
    }
}
