using LeNet5.Network;

namespace LeNet5.Training;

/// <summary>Test error, the confusion matrix, per-class error and the most confident mistakes.</summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(int[,] confusion, IReadOnlyList<Mistake> worst)
    {
        Confusion = confusion;
        MostConfidentMistakes = worst;
    }

    /// <summary>[true class, predicted class] counts.</summary>
    public int[,] Confusion { get; }

    /// <summary>The mistakes with the largest margins, largest first.</summary>
    public IReadOnlyList<Mistake> MostConfidentMistakes { get; }

    /// <summary>Images evaluated.</summary>
    public int Count => Enumerable.Range(0, LeNet5Network.Classes).Sum(t => Enumerable.Range(0, LeNet5Network.Classes).Sum(p => Confusion[t, p]));

    /// <summary>Images misclassified.</summary>
    public int Errors => Count - Enumerable.Range(0, LeNet5Network.Classes).Sum(c => Confusion[c, c]);

    /// <summary>Errors / Count, as a fraction.</summary>
    public double ErrorRate => Count == 0 ? 0 : (double)Errors / Count;

    /// <summary>The error rate among the images of class <paramref name="label"/>.</summary>
    public double ClassErrorRate(int label)
    {
        int total = Enumerable.Range(0, LeNet5Network.Classes).Sum(p => Confusion[label, p]);
        return total == 0 ? 0 : 1 - ((double)Confusion[label, label] / total);
    }
}
