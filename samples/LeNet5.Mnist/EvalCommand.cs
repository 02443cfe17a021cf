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

/// <summary><c>lenet5 eval --model FILE</c>: test error, the confusion matrix, per-class error and the most confident mistakes.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A weights file (.safetensors).", Required = true };
        var data = Cli.DataOption();
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on only the first N test images." };
        var plots = PlotSet.DirectoryOption();
        var noPlots = PlotSet.DisableOption();
        var command = new Command("eval", "Evaluate a model on the MNIST test set.") { model, data, testLimit, plots, noPlots };
        command.SetAction((result, cancellationToken) => Cli.GuardAsync(async () =>
        {
            string modelPath = result.GetValue(model)!.FullName;
            var network = ModelFile.Load(modelPath);
            int? limit = Cli.Positive(result.GetValue(testLimit), "--test-limit");
            string? plotDirectory = PlotSet.Prepare(result, plots, noPlots, modelPath);
            string folder = await Cli.EnsureMnistAsync(result.GetValue(data), cancellationToken).ConfigureAwait(false);
            var test = MnistDataset.LoadTest(folder, limit);
            var evaluation = Evaluator.Evaluate(network, test, keepMistakes: PlotSet.Mistakes);
            Write(evaluation);
            if (plotDirectory is not null)
                PlotSet.Report(plotDirectory, PlotSet.Write(plotDirectory, network, test, evaluation, metrics: null));
            return 0;
        }));
        return command;
    }

    /// <summary>The test error, the confusion matrix as a table, and the most confident mistakes.</summary>
    internal static void Write(EvaluationResult evaluation)
    {
        var c = CultureInfo.InvariantCulture;
        Tables.Out.Write(new Text(string.Create(c, $"test error {evaluation.ErrorRate * 100:F2} % ({evaluation.Errors} of {evaluation.Count:N0})\n")));
        Tables.Out.Write(Tables.Confusion(evaluation));
        Tables.Out.Write(new Text(Mistakes(evaluation)));
    }

    private static string Mistakes(EvaluationResult evaluation)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        if (evaluation.MostConfidentMistakes.Count > 0)
        {
            text.AppendLine("most confident mistakes (test index: true → predicted, margin)");
            foreach (var m in evaluation.MostConfidentMistakes.Take(10))
                text.AppendLine(c, $"  {m.Index,5}: {m.Label} → {m.Predicted}  {m.Margin:G4}");
        }
        return text.ToString();
    }
}
