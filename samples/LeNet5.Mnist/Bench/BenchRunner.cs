using System.Diagnostics;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist.Bench;

/// <summary>
/// Times workloads through the library's public API only, so that it measures whatever engine the library has.
/// Each workload gets a warm-up round and then <see cref="Repeats"/> timed rounds of about
/// <see cref="SecondsPerRepeat"/> each (at least one batch); the figure is the median round.
/// </summary>
/// <remarks>
/// <para>Inference: <see cref="BatchPredictor.Predict"/> on a predictor with the workload's degree of parallelism and
/// the library's default chunk (<see cref="BatchPredictor.DefaultChunkSize"/> images a thread runs through the network at
/// once), as a user gets it, cycling through the distinct images. Classes only: the scores are computed but not copied out.</para>
/// <para>Training: a <see cref="Trainer"/> with the workload's batch size and threads over an in-memory set,
/// one pass per round, timed by the trainer's own per-pass clock, which covers the shuffle, gathering each batch's
/// images, the gradients on every thread, summing them and the optimiser step, and not the evaluation or
/// checkpoint after a pass (the bench asks for neither). The optimiser is the trainer's default for the
/// architecture. SDLM re-estimates its Hessian diagonal before every pass; the paper's recipe does that on
/// 500 of 60,000 patterns (under 1 % of a pass), and the bench lowers it to 1 pattern so that short timed
/// passes are not dominated by it.</para>
/// </remarks>
internal sealed class BenchRunner(NetworkDefinition definition, TrainingOptions trainingDefaults, BenchImages images, double secondsPerRepeat, int repeats)
{
    private const int Seed = 1;

    /// <summary>Timed rounds per workload, after one warm-up round.</summary>
    public int Repeats => repeats;

    /// <summary>Target length of a round.</summary>
    public double SecondsPerRepeat => secondsPerRepeat;

    /// <summary>Images per second of each timed round.</summary>
    public double[] Measure(BenchWorkload workload)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return workload.Training ? MeasureTraining(workload.Batch, workload.Threads) : MeasureInference(workload.Batch, workload.Threads);
    }

    private double[] MeasureInference(int batch, int threads)
    {
        var network = LeNet5Network.Create(definition, Seed);
        using var predictor = network.CreateBatchPredictor(threads);
        var predictions = new int[batch];
        ReadOnlySpan<float> inputs = images.Inputs;
        int batchFloats = batch * LeNet5Network.InputSize, batches = images.Distinct / batch;
        var rates = new double[repeats];
        int next = 0;
        for (int round = -1; round < repeats; round++)
        {
            long calls = 0, start = Stopwatch.GetTimestamp();
            double elapsed;
            do
            {
                predictor.Predict(inputs.Slice(next * batchFloats, batchFloats), predictions);
                next = next + 1 == batches ? 0 : next + 1;
                calls++;
                elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            while (elapsed < secondsPerRepeat);
            if (round >= 0)
                rates[round] = calls * batch / elapsed;
        }
        return rates;
    }

    private double[] MeasureTraining(int batch, int threads)
    {
        // Size a pass to last about one round: probe with passes four times longer each time until one lasts a quarter round.
        long count = RoundUp(32, batch);
        double seconds;
        while (true)
        {
            seconds = TrainPasses((int)count, batch, threads, 1)[0];
            if (seconds >= secondsPerRepeat / 4 || count >= 1 << 20)
                break;
            count *= 4;
        }
        count = Math.Clamp(RoundUp((long)(count / Math.Max(seconds, 1e-6) * secondsPerRepeat), batch), batch, RoundUp(1 << 22, batch));
        double[] passes = TrainPasses((int)count, batch, threads, 1 + repeats);
        return passes.Skip(1).Select(s => count / s).ToArray();
    }

    /// <summary>The seconds of each of <paramref name="passes"/> passes over <paramref name="count"/> images, on a fresh network.</summary>
    private double[] TrainPasses(int count, int batch, int threads, int passes)
    {
        var options = trainingDefaults with
        {
            Epochs = passes,
            BatchSize = batch,
            Threads = threads,
            Seed = Seed,
            CurvatureSamples = 1,
            Distortion = null,
        };
        using var trainer = new Trainer(LeNet5Network.Create(definition, Seed), options);
        var seconds = new List<double>(passes);
        trainer.EpochCompleted += report => seconds.Add(report.Seconds);
        trainer.Train(images.WithCount(count));
        return seconds.ToArray();
    }

    private static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
