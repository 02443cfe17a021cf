using LeNet5.Data;
using LeNet5.Network;

namespace LeNet5.Training;

/// <summary>Runs a network over a labelled set.</summary>
public static class Evaluator
{
    private const int BatchSize = 256;

    /// <summary>Classifies every image (or the first <paramref name="limit"/>) and tallies the result.</summary>
    /// <param name="network">The network to evaluate.</param>
    /// <param name="images">The labelled images.</param>
    /// <param name="limit">Evaluate only the first <paramref name="limit"/> images.</param>
    /// <param name="keepMistakes">How many of the most confident mistakes to keep.</param>
    /// <param name="progress">
    /// Receives the number of images classified so far, on the calling thread: after every batch of 256 images
    /// (increasing), the last report being the number of images evaluated. Null for none.
    /// </param>
    /// <returns>The confusion matrix and the most confident mistakes.</returns>
    public static EvaluationResult Evaluate(LeNet5Network network, ILabeledImages images, int limit = int.MaxValue, int keepMistakes = 10, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(images);
        int count = Math.Min(limit, images.Count);
        var workspace = network.CreateWorkspace(BatchSize);
        var inputs = new float[BatchSize * LeNet5Network.InputSize];
        var scores = new float[BatchSize * LeNet5Network.Classes];
        var predictions = new int[BatchSize];
        var indices = new int[BatchSize];
        var confusion = new int[LeNet5Network.Classes, LeNet5Network.Classes];
        var mistakes = new List<Mistake>();
        for (int start = 0; start < count; start += BatchSize)
        {
            int batch = Math.Min(BatchSize, count - start);
            for (int b = 0; b < batch; b++)
                indices[b] = start + b;
            images.CopyInputs(indices.AsSpan(0, batch), inputs.AsSpan(0, batch * LeNet5Network.InputSize));
            network.Predict(workspace, inputs.AsSpan(0, batch * LeNet5Network.InputSize), predictions, scores);
            for (int b = 0; b < batch; b++)
            {
                int label = images.Label(start + b), predicted = predictions[b];
                confusion[label, predicted]++;
                if (label != predicted)
                {
                    float truth = scores[(b * LeNet5Network.Classes) + label], chosen = scores[(b * LeNet5Network.Classes) + predicted];
                    mistakes.Add(new Mistake(start + b, label, predicted, network.LossHead.Margin(truth, chosen)));
                }
            }
            progress?.Report(start + batch);
        }
        return new EvaluationResult(confusion, mistakes.OrderByDescending(m => m.Margin).ThenBy(m => m.Index).Take(keepMistakes).ToArray());
    }
}
