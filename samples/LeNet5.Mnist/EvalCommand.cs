using System.CommandLine;
using System.Globalization;
using System.Text;
using LeNet5.Data;
using LeNet5.Serialization;
using LeNet5.Training;

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
        var command = new Command("eval", "Evaluate a model on the MNIST test (or training) set.") { model, data, set, testLimit, json };
        command.SetAction((result, cancellationToken) => Cli.GuardAsync(async () =>
        {
            string modelPath = result.GetValue(model)!.FullName;
            var network = ModelFile.Load(modelPath);
            int? limit = result.GetValue(testLimit);
            bool training = result.GetValue(set) == ImageSet.Train;
            string folder = await Cli.EnsureMnistAsync(result.GetValue(data), cancellationToken).ConfigureAwait(false);
            var images = training ? MnistDataset.LoadTraining(folder, limit) : MnistDataset.LoadTest(folder, limit);
            var evaluation = Evaluator.Evaluate(network, images);
            Console.Write(result.GetValue(json)
                ? EvaluationJson.Write(evaluation, modelPath, network.Summary, training ? "train" : "test") + Environment.NewLine
                : Render(evaluation, training ? "train" : "test"));
            return 0;
        }));
        return command;
    }

    private enum ImageSet
    {
        Test,
        Train,
    }

    internal static string Render(EvaluationResult evaluation, string set = "test")
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{set} error {evaluation.ErrorRate * 100:F2} % ({evaluation.Errors} of {evaluation.Count:N0})");
        text.AppendLine("confusion matrix (rows: true class, columns: predicted)");
        text.Append("     ");
        for (int p = 0; p < 10; p++)
            text.Append(c, $"{p,6}");
        text.AppendLine("   error");
        for (int t = 0; t < 10; t++)
        {
            text.Append(c, $"{t,5}");
            for (int p = 0; p < 10; p++)
                text.Append(c, $"{evaluation.Confusion[t, p],6}");
            text.AppendLine(c, $"  {evaluation.ClassErrorRate(t) * 100,5:F2} %");
        }
        if (evaluation.MostConfidentMistakes.Count > 0)
        {
            text.AppendLine(c, $"most confident mistakes ({set} index: true → predicted, margin)");
            foreach (var m in evaluation.MostConfidentMistakes)
                text.AppendLine(c, $"  {m.Index,5}: {m.Label} → {m.Predicted}  {m.Margin:G4}");
        }
        return text.ToString();
    }
}
