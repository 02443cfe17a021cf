using LeNet5.Network;
using Microsoft.ML.OnnxRuntime;

namespace LeNet5.Onnx.Tests;

/// <summary>Runs an exported model in ONNX Runtime and compares it with the library.</summary>
internal static class OnnxRun
{
    /// <summary>Both outputs, in the graph's output order, for a batch of normalised images.</summary>
    public static (float[] Scores, float[] Probabilities) Run(InferenceSession session, float[] inputs)
    {
        int batch = inputs.Length / LeNet5Network.InputSize;
        using var image = OrtValue.CreateTensorValueFromMemory(inputs, [batch, 1, LeNet5Network.InputSide, LeNet5Network.InputSide]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [image], session.OutputNames);
        float[] scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] probabilities = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal([batch, LeNet5Network.Classes], outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([batch, LeNet5Network.Classes], outputs[1].GetTensorTypeAndShape().Shape);
        return (scores, probabilities);
    }

    /// <summary>The library's own outputs: the scores of its batch forward pass and the probabilities of its <see cref="Prediction"/>.</summary>
    public static (float[] Scores, float[] Probabilities) Library(LeNet5Network network, float[] inputs)
    {
        int batch = inputs.Length / LeNet5Network.InputSize;
        var workspace = network.CreateWorkspace(batch);
        float[] scores = network.Forward(workspace, inputs).ToArray();
        var probabilities = new float[scores.Length];
        for (int b = 0; b < batch; b++)
        {
            Prediction prediction = network.Predict(inputs.AsSpan(b * LeNet5Network.InputSize, LeNet5Network.InputSize));
            for (int c = 0; c < LeNet5Network.Classes; c++)
                probabilities[(b * LeNet5Network.Classes) + c] = prediction.Probabilities[c];
        }
        return (scores, probabilities);
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(difference))
                return double.PositiveInfinity;
            worst = Math.Max(worst, difference);
        }
        return worst;
    }
}
