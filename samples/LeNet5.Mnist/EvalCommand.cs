using System.CommandLine;
using System.Globalization;
using System.Text;
using LeNet5.Data;
using LeNet5.Mnist.Plots;
using LeNet5.Mnist.Terminal;
using LeNet5.Serialization;
using LeNet5.Training;
using Spectre.Console;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 eval --model FILE [--set test|train] [--json]</c>: the error on MNIST's test (or training) set, the confusion
/// matrix, per-class error and the most confident mistakes, as text or as one JSON object.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A weights file (.safetensors).", Required = true };
        var data = Cli.DataOption();
        var set = Cli.EnumOption<ImageSet>("--set", "The images to evaluate on: test (default, MNIST's 10,000) or train (its 60,000).", ("test", ImageSet.Test), ("train", ImageSet.Train));
        var testLimit = new Option<int?>("--limit", "--test-limit") { Description = "Evaluate on only the first N images of the set." }.InRange(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON object: the error, per-class errors, the confusion matrix, the model and its network." };
        var plots = PlotSet.DirectoryOption();
        var noPlots = PlotSet.DisableOption();
        var command = new Command("eval", "Evaluate a model on the MNIST test (or training) set.") { model, data, set, testLimit, json, plots, noPlots };
        command.SetAction((result, cancellationToken) => Cli.GuardAsync(async () =>
        {
            string modelPath = result.GetValue(model)!.FullName;
            var network = ModelFile.Load(modelPath);
            int? limit = result.GetValue(testLimit);
            bool training = result.GetValue(set) == ImageSet.Train;
            string? plotDirectory = PlotSet.Prepare(result, plots, noPlots, modelPath);
            string folder = await Cli.EnsureMnistAsync(result.GetValue(data), cancellationToken).ConfigureAwait(false);
            var images = training ? MnistDataset.LoadTraining(folder, limit) : MnistDataset.LoadTest(folder, limit);
            var evaluation = LiveProgress.Evaluate($"evaluating on the {(training ? "training" : "test")} set", images.Count,
                progress => Evaluator.Evaluate(network, images, keepMistakes: PlotSet.Mistakes, progress: progress));
            if (result.GetValue(json))
                Console.WriteLine(EvaluationJson.Write(evaluation, modelPath, network.Summary, training ? "train" : "test"));
            else
                Write(evaluation, training ? "train" : "test");
            if (plotDirectory is not null)
                // With --json, standard output is the one JSON object; where the pictures went is said on standard error.
                PlotSet.Report(plotDirectory, PlotSet.Write(plotDirectory, network, images, evaluation, metrics: null), result.GetValue(json) ? Console.Error : null);
            return 0;
        }));
        return command;
    }

    private enum ImageSet
    {
        Test,
        Train,
    }

    /// <summary>The error on <paramref name="set"/>, the confusion matrix as a table, and the most confident mistakes.</summary>
    internal static void Write(EvaluationResult evaluation, string set = "test")
    {
        var c = CultureInfo.InvariantCulture;
        Tables.Out.Write(new Text(string.Create(c, $"{set} error {evaluation.ErrorRate * 100:F2} % ({evaluation.Errors} of {evaluation.Count:N0})\n")));
        Tables.Out.Write(Tables.Confusion(evaluation));
        Tables.Out.Write(new Text(Mistakes(evaluation, set)));
    }

    private static string Mistakes(EvaluationResult evaluation, string set)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        if (evaluation.MostConfidentMistakes.Count > 0)
        {
            text.AppendLine(c, $"most confident mistakes ({set} index: true → predicted, margin)");
            foreach (var m in evaluation.MostConfidentMistakes.Take(10))
                text.AppendLine(c, $"  {m.Index,5}: {m.Label} → {m.Predicted}  {m.Margin:G4}");
        }
        return text.ToString();
    }
}
