using System.Text;
using System.Text.Json;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 eval --json</c>: one JSON object with the model file, its network, the set, the error, each class's count
/// and error, the confusion matrix and the most confident mistakes.
/// </summary>
internal static class EvaluationJson
{
    public static string Write(EvaluationResult evaluation, string modelPath, ModelSummary summary, string set)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("model", modelPath);
            json.WriteStartObject("network");
            json.WriteString("architecture", summary.Architecture.ToString());
            if (summary.Architecture == Architecture.Modern)
            {
                json.WriteString("activation", summary.Definition.Activation.ToString());
                json.WriteString("pooling", summary.Definition.Pooling.ToString());
            }
            json.WriteNumber("trainable_parameters", summary.Trainable);
            json.WriteEndObject();
            json.WriteString("set", set);
            json.WriteNumber("count", evaluation.Count);
            json.WriteNumber("errors", evaluation.Errors);
            json.WriteNumber("error_rate", evaluation.ErrorRate);
            json.WriteStartArray("classes");
            for (int label = 0; label < LeNet5Network.Classes; label++)
            {
                int count = 0;
                for (int predicted = 0; predicted < LeNet5Network.Classes; predicted++)
                    count += evaluation.Confusion[label, predicted];
                json.WriteStartObject();
                json.WriteNumber("digit", label);
                json.WriteNumber("count", count);
                json.WriteNumber("errors", count - evaluation.Confusion[label, label]);
                json.WriteNumber("error_rate", evaluation.ClassErrorRate(label));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("confusion");
            for (int label = 0; label < LeNet5Network.Classes; label++)
            {
                json.WriteStartArray();
                for (int predicted = 0; predicted < LeNet5Network.Classes; predicted++)
                    json.WriteNumberValue(evaluation.Confusion[label, predicted]);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("most_confident_mistakes");
            foreach (var mistake in evaluation.MostConfidentMistakes)
            {
                json.WriteStartObject();
                json.WriteNumber("index", mistake.Index);
                json.WriteNumber("label", mistake.Label);
                json.WriteNumber("predicted", mistake.Predicted);
                json.WriteNumber("margin", mistake.Margin);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
