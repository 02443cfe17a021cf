using System.CommandLine;
using System.Globalization;
using LeNet5.Data;
using LeNet5.Mnist.Plots;
using LeNet5.Mnist.Terminal;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;
using Spectre.Console;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 train</c>: with no options, the paper's recipe (Classic, SDLM one pattern at a time, 20 passes)
/// on MNIST. Prints a line per pass and writes the model (with the optimiser's state, so
/// <c>--resume</c> can continue it) after every pass.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = Cli.DataOption();
        var network = new NetworkOptions();
        var epochs = new Option<int?>("--epochs") { Description = "Passes through the training set (default 20)." }.InRange(1);
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per update (default: 1 for classic, the paper's; 64 for modern)." }.InRange(1);
        var threads = new Option<int?>("--threads") { Description = $"Worker threads for a minibatch, 1 to {Cli.MaximumThreads} (default: all cores, {Environment.ProcessorCount} here)." }.InRange(1, Cli.MaximumThreads);
        var seed = new Option<int>("--seed") { Description = "Seed of the initialisation, shuffles and distortions.", DefaultValueFactory = _ => 1 };
        var distort = new Option<bool>("--distort") { Description = "Random planar affine distortions of the training images (Section III-C)." };
        var distortCopies = new Option<int?>("--distort-copies")
        {
            Description = $"With --distort: K shows the originals plus K fixed distorted copies of each, every one once per K + 1 passes (default {DistortionOptions.Paper.Copies}, Section III-C's 540,000 copies); 0 distorts every presentation afresh.",
        }.InRange(0, 99);
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images." }.InRange(1);
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on only the first N test images." }.InRange(1);
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the model (default lenet5-<arch>.safetensors in the current folder)." }.Writable();
        var optimizer = Cli.EnumOption<OptimizerKind>("--optimizer", "sdlm (the paper's), sgd or adam (default: sdlm for classic, adam for modern).",
            ("sdlm", OptimizerKind.DiagonalLevenbergMarquardt), ("sgd", OptimizerKind.SgdMomentum), ("adam", OptimizerKind.Adam));
        var rateScale = new Option<float?>("--lr-scale") { Description = "Multiply every learning rate of the schedule by this factor." }.PositiveFinite();
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out instead of starting afresh." };
        var prototypes = Cli.EnumOption<PrototypeKind>("--prototypes",
            "Classic only: the RBF output's fixed prototypes, bitmaps (default: the paper's 7×12 digits) or codes (±1 codes chosen far apart, the paper's named alternative).",
            ("bitmaps", PrototypeKind.Bitmaps), ("codes", PrototypeKind.Codes));
        var plots = PlotSet.DirectoryOption();
        var noPlots = PlotSet.DisableOption();
        var seeds = SeedSweep.Option();
        var command = new Command("train", "Train LeNet-5 on MNIST.") { data };
        network.AddTo(command);
        foreach (Option option in new Option[] { epochs, batchSize, threads, seed, seeds, distort, distortCopies, prototypes, trainLimit, testLimit, output, optimizer, rateScale, resume, plots, noPlots })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (result.GetResult(seeds) is not { Implicit: false })
                return;
            foreach (Option other in new Option[] { seed, resume, plots })
            {
                if (result.GetResult(other) is { Implicit: false })
                    result.AddError($"--seeds trains one model per seed; it does not go with {other.Name}.");
            }
        });
        command.Validators.Add(result =>
        {
            if (result.GetResult(distortCopies) is { Implicit: false } && !result.GetValue(distort))
                result.AddError("--distort-copies says how the distorted patterns are shown; add --distort.");
        });
        command.Validators.Add(result =>
        {
            if (result.GetResult(prototypes) is not { Implicit: false })
                return;
            if (result.GetResult(resume) is { Implicit: false })
                result.AddError("--prototypes chooses a new model's RBF prototypes; a resumed model keeps those it was trained with (leave out --prototypes).");
            else if (result.GetResult(network.Architecture) is { Implicit: false } && result.GetValue(network.Architecture) != Architecture.Classic)
                result.AddError("--prototypes chooses the classic network's RBF prototypes; the modern network has a linear output (leave out --prototypes).");
        });
        string path = "";
        command.SetAction((result, cancellationToken) => Cli.GuardAsync(async () =>
        {
            var definition = network.Definition(result);
            path = result.GetValue(output)?.FullName ?? Path.GetFullPath($"lenet5-{definition.Architecture.ToString().ToLowerInvariant()}.safetensors");
            if (result.GetValue(resume))
            {
                // The file says which network it holds: resuming takes that one, and another one asked for is named.
                var saved = Serialization.ModelFile.Load(path).Definition;
                if (network.ArchitectureGiven(result) && saved != definition)
                    throw new ArgumentException($"{path} holds a {Describe(saved)} model, not {Describe(definition)}; resume it with {NetworkOptions.CommandLine(saved)}, or leave out --arch.");
                definition = saved;
            }
            Architecture architecture = definition.Architecture;
            var defaults = architecture == Architecture.Classic ? TrainingOptions.PaperClassic : TrainingOptions.ModernDefault;
            var options = defaults with
            {
                Epochs = result.GetValue(epochs) ?? defaults.Epochs,
                BatchSize = result.GetValue(batchSize) ?? defaults.BatchSize,
                Threads = result.GetValue(threads) ?? Environment.ProcessorCount,
                Seed = result.GetValue(seed),
                Optimizer = result.GetValue(optimizer) ?? defaults.Optimizer,
                Distortion = result.GetValue(distort)
                    ? DistortionOptions.Paper with { Copies = result.GetValue(distortCopies) ?? DistortionOptions.Paper.Copies }
                    : null,
            };
            if (options.Optimizer != defaults.Optimizer)
                options = options with { Schedule = LearningRateSchedule.Constant(options.Optimizer == OptimizerKind.Adam ? 1e-3f : 1e-2f) };
            if (result.GetValue(rateScale) is { } scale)
                options = options with { Schedule = options.Schedule.Scaled(scale) };
            options.Validate();
            if (options.Optimizer == OptimizerKind.DiagonalLevenbergMarquardt && options.BatchSize > 1 && result.GetValue(rateScale) is null)
                Console.Error.WriteLine(SdlmBatchNote(options.BatchSize));
            int? trainCount = result.GetValue(trainLimit);
            int? testCount = result.GetValue(testLimit);
            Cli.RequireWritable(path, "--out");
            string? plotDirectory = result.GetValue(seeds) is not { Length: > 0 } ? PlotSet.Prepare(result, plots, noPlots, path) : null;

            string folder = await Cli.EnsureMnistAsync(result.GetValue(data), cancellationToken).ConfigureAwait(false);
            var train = MnistDataset.LoadTraining(folder, trainCount);
            var test = MnistDataset.LoadTest(folder, testCount);

            bool codes = result.GetValue(prototypes) == PrototypeKind.Codes;
            if (result.GetValue(seeds) is { Length: > 0 } sweep)
                return SeedSweep.Run(definition, options, codes, sweep, result.GetValue(threads), train, test, path, cancellationToken);

            using var trainer = result.GetValue(resume)
                ? TrainingCheckpoint.Resume(path, options)
                : new Trainer(CreateNetwork(definition, options.Seed, codes), options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"LeNet-5 {Describe(trainer.Network.Definition)}{DescribePrototypes(codes)}: {train.Count:N0} training and {test.Count:N0} test images from {folder}; {options.Optimizer}, batch {options.BatchSize}, {options.Threads} thread(s), seed {options.Seed}{DescribeDistortion(options.Distortion)}"));
            Console.WriteLine($"the model is saved to {path} after every pass");
            var metrics = new TrainingMetrics(path, train, resumed: result.GetValue(resume), trainer.CompletedEpochs);
            bool live = LiveProgress.Enabled;
            var bar = live ? null : new ProgressBar();
            TrainingBars? bars = null;
            trainer.EpochCompleted += report =>
            {
                metrics.Add(report, trainer.Network, bars?.Measure("training error", metrics.TrainErrorCount));
                bars?.MeasureDone();
                bar?.Clear();
                string line = string.Create(CultureInfo.InvariantCulture,
                    $"epoch {report.Epoch,2}/{options.Epochs}  loss {report.TrainLoss,8:F4}  test error {report.TestErrorRate * 100,5:F2} %  {report.Seconds,6:F1} s  {report.ImagesPerSecond,8:N0} images/s  lr {report.LearningRate:G3}");
                if (live)
                    AnsiConsole.WriteLine(line);
                else
                    Console.WriteLine(line);
                bars?.PassDone();
            };
            // Train off the invoking thread: System.CommandLine's Ctrl+C handler needs the action's task before it can
            // cancel it; a body that never yields would be killed by the signal instead of saying what was saved.
            await Task.Yield();
            try
            {
                if (live)
                {
                    LiveProgress.Create("images").Start(context =>
                    {
                        bars = new TrainingBars(context);
                        trainer.Train(train, test, bars, cancellationToken, path);
                        bars.Finish();
                    });
                }
                else
                {
                    trainer.Train(train, test, bar, cancellationToken, path);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                bar?.Clear();
                Console.Error.WriteLine($"lenet5: {Cancelled(trainer.CompletedEpochs, options.Epochs, path)}");
                return Cancel;
            }
            bar?.Clear();
            Console.WriteLine($"model written to {path}");
            Console.WriteLine($"per-pass figures written to {metrics.Path}");
            if (plotDirectory is not null)
            {
                var evaluation = LiveProgress.Evaluate("evaluating for the plots", test.Count,
                    progress => Evaluator.Evaluate(trainer.Network, test, keepMistakes: PlotSet.Mistakes, progress: progress));
                PlotSet.Report(plotDirectory, PlotSet.Write(plotDirectory, trainer.Network, test, evaluation, metrics.Rows, train.Count));
            }
            return 0;
        }, () => $"cancelled; {path} holds the last completed pass (continue with --resume)."));
        return command;
    }

    /// <summary>A new network for <paramref name="seed"/>, with the separated RBF codes instead of the bitmaps when <paramref name="codes"/>.</summary>
    internal static LeNet5Network CreateNetwork(NetworkDefinition definition, int seed, bool codes)
    {
        var network = LeNet5Network.Create(definition, seed);
        if (codes)
            RbfPrototypes.Codes.CopyTo(network.Prototypes);
        return network;
    }

    /// <summary>" with separated RBF codes", or nothing for the paper's bitmaps.</summary>
    internal static string DescribePrototypes(bool codes) => codes ? " with separated RBF codes" : "";

    /// <summary>
    /// SDLM's rates are the paper's per-pattern ones, and the trainer averages a minibatch's gradients: at batch B a pass
    /// takes B times fewer steps of the same size. (Classic, 3 passes of 10,000 images at batch 64: 89.65 % test error as
    /// it is, 6.1 % with --lr-scale 16; --lr-scale 64 saturated the network.)
    /// </summary>
    internal static string SdlmBatchNote(int batchSize)
        => $"lenet5: note: sdlm takes the paper's one-pattern steps; at --batch-size {batchSize} it makes {batchSize} times fewer of them a pass "
            + "and learns slowly. Raise its rates with --lr-scale (16 trains at batch 64), or use --optimizer adam.";

    /// <summary>The values of <c>--prototypes</c>.</summary>
    private enum PrototypeKind
    {
        Bitmaps,
        Codes,
    }

    /// <summary>The exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    private const int Cancel = 130;

    /// <summary>What a Ctrl+C left: which pass is in the file, and how to go on.</summary>
    internal static string Cancelled(int completed, int epochs, string path) => completed == 0
        ? $"cancelled during pass 1 of {epochs}; no pass was completed, so nothing was saved to {path}."
        : $"cancelled during pass {completed + 1} of {epochs}; pass {completed} is saved in {path}. Continue it with the same options and --resume: lenet5 train --out \"{path}\" --resume ...";

    /// <summary>", distorted afresh each pass" or ", distorted: the originals and 9 fixed copies", or nothing.</summary>
    internal static string DescribeDistortion(DistortionOptions? distortion) => distortion switch
    {
        null => "",
        { Copies: 0 } => ", distorted afresh each time",
        { Copies: var copies } => $", distorted: the originals and {copies} fixed copies of each",
    };

    internal static string Describe(NetworkDefinition definition) => definition.Architecture == Architecture.Classic
        ? "Classic"
        : $"Modern ({definition.Activation}, {definition.Pooling.ToString().ToLowerInvariant()} pooling)";
}
