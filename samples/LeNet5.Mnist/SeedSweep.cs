using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using LeNet5.Data;
using LeNet5.Mnist.Plots;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 train --seeds 1,2,3,4</c>: the same recipe once per seed, the runs side by side on the cores, each seed's
/// test and training error, and their mean, minimum and maximum. One seed's figure says little: the seed-to-seed spread
/// of LeNet-5 on MNIST (about ±0.1 percentage points) is as large as most recipe changes.
/// </summary>
internal static class SeedSweep
{
    /// <summary><c>--seeds</c>: a list such as <c>1,2,3,4</c> or <c>1-4</c>, refused by the parser unless it names distinct whole numbers.</summary>
    public static Option<int[]?> Option()
    {
        var option = new Option<int[]?>("--seeds")
        {
            Description = "Train once per seed (e.g. 1,2,3,4 or 1-4), side by side on the cores, and print each seed's error with the mean, minimum and maximum.",
            CustomParser = Parse,
        };
        return option;
    }

    private static int[]? Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var seeds = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int dash = part.Length > 1 ? part.IndexOf('-', 1) : -1;
            if (dash > 0 && TryInt(part[..dash], out int first) && TryInt(part[(dash + 1)..], out int last) && first <= last && last - first < 1_000)
            {
                seeds.AddRange(Enumerable.Range(first, last - first + 1));
            }
            else if (TryInt(part, out int seed))
            {
                seeds.Add(seed);
            }
            else
            {
                result.AddError($"--seeds must be whole numbers or ranges separated by commas, such as 1,2,3,4 or 1-4; '{part}' is neither.");
                return null;
            }
        }

        if (seeds.Distinct().Count() != seeds.Count)
        {
            result.AddError($"--seeds names a seed twice: {text}.");
            return null;
        }

        return [.. seeds];
    }

    private static bool TryInt(string text, out int value) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Where seed <paramref name="seed"/>'s model goes: <c>lenet5-classic.safetensors</c> becomes <c>lenet5-classic-seed3.safetensors</c>.</summary>
    public static string ModelPath(string path, int seed)
        => Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-seed{seed}{Path.GetExtension(path)}");

    /// <summary>Runs the sweep; returns the process exit code.</summary>
    public static int Run(NetworkDefinition definition, TrainingOptions options, bool codes, int[] seeds, int? threadsGiven, MnistDataset train, MnistDataset test,
        string path, CancellationToken cancellationToken)
    {
        // One worker per run at batch 1 (a pattern at a time has nothing to share); otherwise the cores shared out.
        int cores = Environment.ProcessorCount;
        int concurrent = Math.Min(seeds.Length, cores);
        int threads = options.BatchSize == 1 ? 1 : threadsGiven ?? Math.Max(1, cores / concurrent);
        concurrent = Math.Max(1, Math.Min(seeds.Length, cores / threads));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LeNet-5 {TrainCommand.Describe(definition)}{TrainCommand.DescribePrototypes(codes)}: seeds {string.Join(',', seeds)}, {concurrent} at a time with {threads} thread(s) each; {train.Count:N0} training and {test.Count:N0} test images; {options.Optimizer}, batch {options.BatchSize}{TrainCommand.DescribeDistortion(options.Distortion)}; {LeNet5Network.VectorBits}-bit vectors"));
        Console.WriteLine($"seed N's model is saved to {ModelPath(path, seeds[0]).Replace($"seed{seeds[0]}", "seedN", StringComparison.Ordinal)}; lenet5 train --seed N --threads {threads}{(codes ? " --prototypes codes" : "")} gives it again, bit for bit");

        var results = new Result[seeds.Length];
        var gate = new object();
        var clock = Stopwatch.StartNew();
        try
        {
            Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = concurrent, CancellationToken = cancellationToken }, i =>
            {
                int seed = seeds[i];
                string modelPath = ModelPath(path, seed);
                var seedOptions = options with { Seed = seed, Threads = threads };
                using var trainer = new Trainer(TrainCommand.CreateNetwork(definition, seed, codes), seedOptions);
                var metrics = new TrainingMetrics(modelPath, train, resumed: false, completedEpochs: 0);
                trainer.EpochCompleted += report =>
                {
                    metrics.Add(report, trainer.Network);
                    lock (gate)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"seed {seed,3}  epoch {report.Epoch,2}/{options.Epochs}  loss {report.TrainLoss,8:F4}  test error {report.TestErrorRate * 100,5:F2} %  training error {metrics.LastTrainError * 100,5:F2} % (first {metrics.TrainErrorCount:N0})  {report.Seconds,6:F1} s"));
                    }
                };
                var reports = trainer.Train(train, test, null, cancellationToken, modelPath);
                double trainError = Evaluator.Evaluate(trainer.Network, train, keepMistakes: 0).ErrorRate;
                results[i] = new Result(seed, reports[^1].TestErrorRate ?? double.NaN, trainError, reports.Sum(r => r.Seconds));
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("lenet5: cancelled; the seeds' models hold their last completed passes.");
            return 130;
        }

        Console.WriteLine();
        Console.WriteLine(" seed  test error  training error  seconds");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $" {r.Seed,4}  {r.TestError * 100,8:F2} %  {r.TrainError * 100,12:F2} %  {r.Seconds,7:F0}"));
        Console.WriteLine(Summary("test error", results.Select(r => r.TestError)));
        Console.WriteLine(Summary("training error", results.Select(r => r.TrainError)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seeds.Length} seed(s) in {clock.Elapsed.TotalSeconds:F0} s"));
        string table = Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-seeds.csv");
        AtomicFile.WriteAllText(table, "seed,test_error,train_error,seconds,simd_bits\n" + string.Concat(results.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.Seed},{r.TestError:R},{r.TrainError:R},{r.Seconds:F1},{LeNet5Network.VectorBits}\n"))));
        Console.WriteLine($"per-seed figures written to {table}");
        return 0;
    }

    /// <summary>"test error: mean 0.97 %, min 0.91 %, max 1.05 % over 4 seeds".</summary>
    internal static string Summary(string what, IEnumerable<double> values)
    {
        double[] v = [.. values];
        return string.Create(CultureInfo.InvariantCulture, $"{what}: mean {v.Average() * 100:F3} %, min {v.Min() * 100:F2} %, max {v.Max() * 100:F2} % over {v.Length} seed(s)");
    }

    private sealed record Result(int Seed, double TestError, double TrainError, double Seconds);
}
