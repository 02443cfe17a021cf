using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Network;

[Collection("Simd")] // runs alone, so that the allocation test counts only its own bytes
public class BatchPredictorTests
{
    private const int InputSize = LeNet5Network.InputSize;
    private const int Classes = LeNet5Network.Classes;

    public static TheoryData<bool, int, int> BatchesAndThreads()
    {
        var data = new TheoryData<bool, int, int>();
        foreach (bool classic in new[] { true, false })
        {
            foreach (int batch in new[] { 1, 7, 64, 257 })
            {
                foreach (int threads in new[] { 1, 2, 3 })
                    data.Add(classic, batch, threads);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BatchesAndThreads))]
    public void ParallelBatch_IsBitIdenticalToTheSingleThreadedBatch(bool classic, int batch, int threads)
    {
        var network = CreateNetwork(classic);
        float[] inputs = Images(batch, seed: batch);
        var (expectedPredictions, expectedScores) = SingleThreaded(network, inputs);

        // A small chunk as well as the default, so that a thread's range spans several chunks.
        foreach (int chunk in new[] { 5, BatchPredictor.DefaultChunkSize })
        {
            using var predictor = network.CreateBatchPredictor(threads, chunk);
            var predictions = new int[batch];
            var scores = new float[batch * Classes];
            predictor.Predict(inputs, predictions, scores);
            Assert.Equal(expectedPredictions, predictions);
            AssertBitIdentical(expectedScores, scores);

            // Without scores, and again on the same predictor: the same classes.
            var again = new int[batch];
            predictor.Predict(inputs, again);
            Assert.Equal(expectedPredictions, again);
        }
    }

    [Fact]
    public void ManyThreadsPredictingAtOnce_EachWithItsOwnWorkspace_GetTheSingleThreadedResults()
    {
        var network = CreateNetwork(classic: true);
        const int Batch = 16, Threads = 8, Rounds = 20;
        float[] inputs = Images(Batch, seed: 3);
        var (expectedPredictions, expectedScores) = SingleThreaded(network, inputs);

        var failures = new ConcurrentBag<string>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            // Alternate batch sizes so that the threads run different code at the same moment.
            var workspace = network.CreateWorkspace(t % 2 == 0 ? Batch : 1);
            var predictions = new int[Batch];
            var scores = new float[Batch * Classes];
            start.SignalAndWait();
            for (int round = 0; round < Rounds; round++)
            {
                if (workspace.Capacity == Batch)
                {
                    network.Predict(workspace, inputs, predictions, scores);
                }
                else
                {
                    for (int b = 0; b < Batch; b++)
                        network.Predict(workspace, inputs.AsSpan(b * InputSize, InputSize), predictions.AsSpan(b, 1), scores.AsSpan(b * Classes, Classes));
                }
                if (!predictions.AsSpan().SequenceEqual(expectedPredictions) || !BitIdentical(expectedScores, scores))
                    failures.Add($"thread {t}, round {round}");
            }
        })).ToArray();
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();
        Assert.Empty(failures);
    }

    [Fact]
    public void ManyThreadsSharingOnePredictor_AreSerialisedAndGetTheSingleThreadedResults()
    {
        var network = CreateNetwork(classic: false);
        const int Batch = 33;
        float[] inputs = Images(Batch, seed: 4);
        var (expectedPredictions, expectedScores) = SingleThreaded(network, inputs);
        using var predictor = network.CreateBatchPredictor(2, chunkSize: 8);
        var results = new bool[4];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, t =>
        {
            bool ok = true;
            var predictions = new int[Batch];
            var scores = new float[Batch * Classes];
            for (int round = 0; round < 10; round++)
            {
                predictor.Predict(inputs, predictions, scores);
                ok &= predictions.AsSpan().SequenceEqual(expectedPredictions) && BitIdentical(expectedScores, scores);
            }
            results[t] = ok;
        });
        Assert.All(results, Assert.True);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SteadyStateCalls_AllocateNothing_OnAnyThread(int threads)
    {
        var network = CreateNetwork(classic: true);
        float[] inputs = Images(40, seed: 5);
        var predictions = new int[40];
        var scores = new float[40 * Classes];
        using var predictor = network.CreateBatchPredictor(threads, chunkSize: 16);
        for (int i = 0; i < 3; i++)
        {
            predictor.Predict(inputs, predictions, scores);
            predictor.Predict(inputs.AsSpan(0, InputSize), predictions.AsSpan(0, 1));
        }

        // A round of ten calls that allocates nothing shows that a call allocates nothing. Up to three rounds: under
        // load a barrier's first real wait creates its event once (lazily, in the runtime), which is not per call;
        // a per-call allocation would show in every round.
        var rounds = new List<long>();
        for (int round = 0; round < 3 && (rounds.Count == 0 || rounds[^1] != 0); round++)
        {
            // Every thread's allocations (the workers' too); this class runs alone, in the Simd collection.
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 10; i++)
            {
                predictor.Predict(inputs, predictions, scores);
                predictor.Predict(inputs, predictions);
                predictor.Predict(inputs.AsSpan(0, InputSize), predictions.AsSpan(0, 1));
            }
            rounds.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.True(rounds[^1] == 0, $"bytes allocated per round of ten calls: {string.Join(", ", rounds)}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void InvalidDegreeOfParallelism_Throws(int threads)
    {
        var network = CreateNetwork(classic: true);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPredictor(network, threads));
        Assert.Equal("maxDegreeOfParallelism", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.CreateBatchPredictor(threads));
    }

    [Fact]
    public void InvalidChunkSize_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => CreateNetwork(classic: true).CreateBatchPredictor(2, chunkSize: 0));

    [Fact]
    public void BadBuffers_Throw()
    {
        using var predictor = CreateNetwork(classic: true).CreateBatchPredictor(2);
        float[] inputs = Images(3, seed: 6);
        Assert.Throws<ArgumentException>(() => predictor.Predict(inputs.AsSpan(0, InputSize + 1), new int[3]));
        Assert.Throws<ArgumentException>(() => predictor.Predict(ReadOnlySpan<float>.Empty, new int[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => predictor.Predict(inputs, new int[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => predictor.Predict(inputs, new int[3], new float[(3 * Classes) - 1]));
    }

    [Fact]
    public void Disposed_Throws()
    {
        var predictor = CreateNetwork(classic: true).CreateBatchPredictor(2);
        predictor.Dispose();
        predictor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(Images(2, seed: 7), new int[2]));
    }

    [Fact]
    public void VectorBits_IsAWidthTheKernelsHave()
        => Assert.Contains(LeNet5Network.VectorBits, new[] { 32, 128, 256, 512 });

    private static LeNet5Network CreateNetwork(bool classic)
        => LeNet5Network.Create(classic ? NetworkDefinition.Classic : NetworkDefinition.Modern(), seed: 11);

    private static (int[] Predictions, float[] Scores) SingleThreaded(LeNet5Network network, float[] inputs)
    {
        int batch = inputs.Length / InputSize;
        var predictions = new int[batch];
        var scores = new float[batch * Classes];
        network.Predict(network.CreateWorkspace(batch), inputs, predictions, scores);
        return (predictions, scores);
    }

    /// <summary>Digit-like inputs: a −0.1 background with a few bright random strokes, so the classes differ.</summary>
    private static float[] Images(int count, int seed)
    {
        var random = new Random(seed);
        var images = new float[count * InputSize];
        images.AsSpan().Fill(-0.1f);
        for (int i = 0; i < count; i++)
        {
            Span<float> image = images.AsSpan(i * InputSize, InputSize);
            for (int stroke = 0; stroke < 3; stroke++)
            {
                int x = random.Next(4, 28), y = random.Next(4, 28), dx = random.Next(-1, 2), dy = random.Next(-1, 2);
                for (int s = 0; s < 12; s++, x = Math.Clamp(x + dx, 2, 29), y = Math.Clamp(y + dy, 2, 29))
                    image[(y * 32) + x] = 1.175f * (float)random.NextDouble();
            }
        }
        return images;
    }

    /// <summary>Bit for bit: unlike comparing floats, tells 0 from −0 and a NaN from another NaN.</summary>
    private static bool BitIdentical(float[] expected, float[] actual)
        => MemoryMarshal.Cast<float, int>(expected).SequenceEqual(MemoryMarshal.Cast<float, int>(actual));

    private static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"score {i} (image {i / Classes}): expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
