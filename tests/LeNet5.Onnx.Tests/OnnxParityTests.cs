using System.Globalization;
using LeNet5.Model;
using LeNet5.Network;
using Microsoft.ML.OnnxRuntime;

namespace LeNet5.Onnx.Tests;

/// <summary>
/// The exported graph, run in ONNX Runtime on real MNIST test digits, gives the library's own outputs within 1e-4 (absolute)
/// for Classic and every Modern variant, seeded and trained, in batches of 64 (and the last of 40) and of 1.
/// </summary>
public sealed class OnnxParityTests(ITestOutputHelper output)
{
    /// <summary>The largest absolute difference allowed between ONNX Runtime's outputs and the library's.</summary>
    private const double Tolerance = 1e-4;

    private const int Batch = 64;
    private const int SingleImages = 16;

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string variant in TestModels.Variants.Keys)
        {
            data.Add(variant, false);
            data.Add(variant, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntime_GivesTheLibrarysOutputs(string variant, bool trained)
    {
        LeNet5Network network = trained ? TestModels.Trained(variant) : TestModels.Seeded(variant);
        using var session = new InferenceSession(OnnxExporter.Export(network));
        string scoresName = OnnxExporter.ScoresOutputName(network.Definition.Architecture);
        Assert.Equal([scoresName, OnnxExporter.ProbabilitiesOutputName], session.OutputNames);

        double worstScores = 0, worstProbabilities = 0, worstSingleScores = 0, worstSingleProbabilities = 0, largestScore = 0;
        int images = TestModels.TestImages.Count, disagreements = 0, correct = 0;
        for (int first = 0; first < images; first += Batch)
        {
            int count = Math.Min(Batch, images - first);
            float[] inputs = TestModels.Inputs(first, count);
            var onnx = OnnxRun.Run(session, inputs);
            var library = OnnxRun.Library(network, inputs);
            worstScores = Math.Max(worstScores, OnnxRun.MaxAbsDifference(library.Scores, onnx.Scores));
            largestScore = Math.Max(largestScore, library.Scores.Max(Math.Abs));
            worstProbabilities = Math.Max(worstProbabilities, OnnxRun.MaxAbsDifference(library.Probabilities, onnx.Probabilities));
            for (int b = 0; b < count; b++)
            {
                int digit = Predicted(network.Definition.Architecture, onnx.Scores.AsSpan(b * 10, 10));
                if (digit != Predicted(network.Definition.Architecture, library.Scores.AsSpan(b * 10, 10)))
                    disagreements++;
                if (digit == TestModels.TestImages.Label(first + b))
                    correct++;
            }
        }
        for (int i = 0; i < SingleImages; i++)
        {
            float[] input = TestModels.Inputs(i, 1);
            var onnx = OnnxRun.Run(session, input);
            var library = OnnxRun.Library(network, input);
            worstSingleScores = Math.Max(worstSingleScores, OnnxRun.MaxAbsDifference(library.Scores, onnx.Scores));
            worstSingleProbabilities = Math.Max(worstSingleProbabilities, OnnxRun.MaxAbsDifference(library.Probabilities, onnx.Probabilities));
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c,
            $"{variant} ({(trained ? $"trained {TestModels.TrainingPasses} passes" : "seeded")}): max |ONNX Runtime − library| over {images} test digits in batches of {Batch}: "
            + $"{scoresName} {worstScores:E2}, probabilities {worstProbabilities:E2}; {SingleImages} single digits: {scoresName} {worstSingleScores:E2}, "
            + $"probabilities {worstSingleProbabilities:E2}; largest |{scoresName}| {largestScore:G4}; ONNX accuracy {correct}/{images}, {disagreements} predictions differ"));
        Assert.True(worstScores <= Tolerance, $"{scoresName}: max abs difference {worstScores:E3} in batches of {Batch}");
        Assert.True(worstProbabilities <= Tolerance, $"probabilities: max abs difference {worstProbabilities:E3} in batches of {Batch}");
        Assert.True(worstSingleScores <= Tolerance, $"{scoresName}: max abs difference {worstSingleScores:E3} for single digits");
        Assert.True(worstSingleProbabilities <= Tolerance, $"probabilities: max abs difference {worstSingleProbabilities:E3} for single digits");
        Assert.Equal(0, disagreements);
        if (trained)
            Assert.True(correct >= images * 6 / 10, $"a network trained {TestModels.TrainingPasses} passes classifies only {correct} of {images} test digits through ONNX Runtime");
    }

    /// <summary>
    /// The graph as written, not only as ONNX Runtime rewrites it: with every graph optimisation (constant folding, operator
    /// fusion) switched off, the trained networks still give the library's outputs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void TheUnoptimisedGraph_GivesTheLibrarysOutputs(string variant)
    {
        LeNet5Network network = TestModels.Trained(variant);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(OnnxExporter.Export(network), options);
        double worstScores = 0, worstProbabilities = 0;
        for (int first = 0; first < 256; first += Batch)
        {
            float[] inputs = TestModels.Inputs(first, Batch);
            var onnx = OnnxRun.Run(session, inputs);
            var library = OnnxRun.Library(network, inputs);
            worstScores = Math.Max(worstScores, OnnxRun.MaxAbsDifference(library.Scores, onnx.Scores));
            worstProbabilities = Math.Max(worstProbabilities, OnnxRun.MaxAbsDifference(library.Probabilities, onnx.Probabilities));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{variant} (trained, graph optimisations off): max |ONNX Runtime − library| over 256 test digits: scores {worstScores:E2}, probabilities {worstProbabilities:E2}"));
        Assert.True(worstScores <= Tolerance, $"scores: max abs difference {worstScores:E3}");
        Assert.True(worstProbabilities <= Tolerance, $"probabilities: max abs difference {worstProbabilities:E3}");
    }

    public static TheoryData<string> Variants() => new(TestModels.Variants.Keys);

    /// <summary>
    /// The comparison can fail: a model exported before one parameter changed no longer matches the changed network.
    /// </summary>
    [Theory]
    [InlineData("classic")]
    [InlineData("modern-relu-max")]
    public void AChangedParameter_IsSeen(string variant)
    {
        LeNet5Network network = TestModels.Seeded(variant, seed: 9);
        using var session = new InferenceSession(OnnxExporter.Export(network));
        float[] inputs = TestModels.Inputs(0, Batch);
        Assert.True(OnnxRun.MaxAbsDifference(OnnxRun.Library(network, inputs).Scores, OnnxRun.Run(session, inputs).Scores) <= Tolerance);

        // The last parameter: F6's last bias (Classic) or the output layer's last bias (Modern).
        network.Parameters[^1] += 0.5f;
        double difference = OnnxRun.MaxAbsDifference(OnnxRun.Library(network, inputs).Scores, OnnxRun.Run(session, inputs).Scores);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant}: the last bias +0.5 moves the scores by up to {difference:E2}"));
        Assert.True(difference > 100 * Tolerance, $"a changed parameter moved the scores by only {difference:E3}");
    }

    private static int Predicted(Architecture architecture, ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
        {
            if (architecture == Architecture.Classic ? scores[c] < scores[best] : scores[c] > scores[best])
                best = c;
        }

        return best;
    }
}
