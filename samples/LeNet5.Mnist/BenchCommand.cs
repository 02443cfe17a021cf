using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LeNet5.Mnist.Bench;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 bench [--arch classic|modern] [--seconds S] [--json] [--data DIR]</c>: what this machine does with
/// the library, with nothing to install and no files needed. Measures one core's multiply-add peak, then
/// inference and training at batch 1, 64 and 256 on 1, 2 and all threads (see <see cref="BenchWorkload.All"/>),
/// each the median of several rounds after a warm-up (see <see cref="BenchRunner"/>), and reports each figure's
/// share of the peak (see <see cref="BenchReport"/>).
/// </summary>
internal static class BenchCommand
{
    /// <summary>The default total time, in seconds.</summary>
    public const double DefaultSeconds = 30;

    private const int Repeats = 5;
    private const int DistinctImages = 1024;

    public static Command Create()
    {
        var arch = Cli.ArchitectureOption();
        var seconds = new Option<double>("--seconds")
        {
            Description = "About how long the whole run takes, in seconds; every round scales with it.",
            HelpName = "S",
            DefaultValueFactory = _ => DefaultSeconds,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value <= 86_400)
                    return value;
                result.AddError($"--seconds must be a positive number of seconds (at most 86400), not '{text}'.");
                return DefaultSeconds;
            },
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the table." };
        var data = Cli.DataOption();
        data.Description = "Where to look for MNIST's training files (default: $LENET5_DATA, else the per-user cache); generated images when they are not there. Nothing is downloaded.";
        var command = new Command("bench", "Measure inference and training speed on this machine, with the share of its multiply-add peak.") { arch, seconds, json, data };
        command.SetAction(result => Cli.Guard(() =>
        {
            bool asJson = result.GetValue(json);
            BenchReport report = Run(result.GetValue(arch), result.GetValue(seconds), result.GetValue(data), quiet: asJson);
            Console.Out.Write(asJson ? report.ToJson() + Environment.NewLine : report.ToTable());
            return 0;
        }));
        return command;
    }

    private static BenchReport Run(Architecture architecture, double totalSeconds, string? dataDirectory, bool quiet)
    {
        var clock = Stopwatch.StartNew();
        var definition = architecture == Architecture.Classic ? NetworkDefinition.Classic : NetworkDefinition.Modern();
        var defaults = architecture == Architecture.Classic ? TrainingOptions.PaperClassic : TrainingOptions.ModernDefault;
        var (forward, training) = BenchReport.MultiplyAdds(LeNet5Network.Create(definition).Summary);
        int processors = Environment.ProcessorCount;
        var workloads = BenchWorkload.All(processors);
        var images = BenchImages.Load(dataDirectory, DistinctImages);
        string optimizer = defaults.Optimizer switch
        {
            OptimizerKind.DiagonalLevenbergMarquardt => "sdlm",
            OptimizerKind.SgdMomentum => "sgd",
            _ => "adam",
        };

        Progress(quiet, "measuring the multiply-add peak");
        double calibration = Math.Clamp(totalSeconds / 150, 0.02, 0.25);
        double peak = FmaPeak.MeasurePerCore(calibration);

        // Slots: a warm-up round and the timed rounds of every workload, plus about half a round of probing per training workload.
        double warmUp = Math.Min(1.0, totalSeconds / 30);
        int trainingWorkloads = workloads.Count(w => w.Training);
        double slots = (workloads.Count * (Repeats + 1)) + (0.5 * trainingWorkloads);
        double perRound = Math.Max(0, totalSeconds - warmUp - calibration) / slots;

        // JIT warm-up of every path (tiered compilation promotes hot methods after about 100 ms), untimed.
        Progress(quiet, "warming up");
        var warm = new BenchRunner(definition, defaults, images, warmUp / 8, 1);
        warm.Measure(new BenchWorkload(false, 64, 1));
        warm.Measure(new BenchWorkload(true, 1, 1));
        warm.Measure(new BenchWorkload(true, 64, 1));

        var runner = new BenchRunner(definition, defaults, images, perRound, Repeats);
        var figures = new List<BenchFigure>();
        foreach (var workload in workloads)
        {
            Progress(quiet, $"{workload.Kind} batch {workload.Batch} on {workload.Threads} thread(s)");
            double[] rounds = runner.Measure(workload);
            double median = Median(rounds);
            figures.Add(new BenchFigure(workload, median, BenchReport.Share(workload, median, forward, training, peak, processors), rounds));
        }
        Progress(quiet, null);

        return new BenchReport
        {
            Architecture = architecture,
            Optimizer = optimizer,
            Cpu = MachineInfo.CpuName(),
            ProcessorCount = processors,
            Simd = MachineInfo.SimdDescription(),
            SimdBits = LeNet5Network.VectorBits,
            PeakBits = FmaPeak.Bits,
            PeakFused = FmaPeak.Fused,
            PeakFmaPerSecondPerCore = peak,
            Data = images.Source,
            Mnist = images.IsMnist,
            ForwardMultiplyAdds = forward,
            TrainingMultiplyAdds = training,
            Repeats = Repeats,
            SecondsPerRepeat = perRound,
            TotalSeconds = clock.Elapsed.TotalSeconds,
            Figures = figures,
        };
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static int s_drawnLength;

    /// <summary>What is being measured, on one line of stderr that the next overwrites; only on a terminal, never with --json.</summary>
    private static void Progress(bool quiet, string? what)
    {
        if (quiet || Console.IsErrorRedirected)
            return;
        string line = what is null ? "" : $"bench: {what} …";
        // Pad over a longer line drawn before, so nothing of it is left at the end.
        Console.Error.Write("\r" + line.PadRight(s_drawnLength) + (what is null ? "\r" : ""));
        s_drawnLength = Math.Max(s_drawnLength, line.Length);
    }
}
