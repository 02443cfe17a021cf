using LeNet5.Data;
using LeNet5.Layers;
using LeNet5.Serialization;

namespace LeNet5.Tests.Network;

/// <summary>
/// The proof of the whole: weights, inputs, outputs, losses and gradients computed by an independent
/// PyTorch implementation (tools/make_reference.py, in float64 from float32 weights) must be reproduced by
/// loading the weights file and running the float network. The issue asks for 1e-4, relative or absolute;
/// float32 rounding over at most 400-term sums through six layers stays well inside it (the largest
/// difference is printed on failure).
/// </summary>
public class PyTorchReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Fixtures => new("classic", "modern-tanh-average", "modern-relu-max");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Network_ReproducesPyTorch_OutputsLossesAndGradients(string fixture)
    {
        var network = ModelFile.Load(TestUtil.ReferenceData($"{fixture}.safetensors"));
        var io = SafeTensorsFile.Read(TestUtil.ReferenceData($"{fixture}-io.safetensors"));
        float[] inputs = io["input"].Data.ToArray();
        int[] labels = io["label"].Data.ToArray().Select(v => (int)v).ToArray();
        var workspace = network.CreateWorkspace(labels.Length);

        float loss = network.ComputeGradients(workspace, inputs, labels, computeInputGradients: true);
        double worst = TestUtil.AssertClose(TestUtil.ToDouble(io["output"].Data.ToArray()), network.Forward(workspace, inputs), Tolerance, $"{fixture} outputs");
        output.WriteLine($"{fixture} outputs: max difference / scale {worst:G3}");
        Assert.Equal(io["loss"].Data.ToArray().Sum(v => (double)v), loss, Tolerance * Math.Max(1, Math.Abs(loss)));

        // Forward ran again above; the gradients are still those of ComputeGradients.
        foreach (var tensor in ModelFile.ToTensors(network, workspace.ParameterGradients))
        {
            worst = TestUtil.AssertClose(TestUtil.ToDouble(io[$"grad.{tensor.Name}"].Data.ToArray()), tensor.Data.Span, Tolerance, $"{fixture} grad.{tensor.Name}");
            output.WriteLine($"{fixture} grad.{tensor.Name}: max difference / scale {worst:G3}");
        }
        worst = TestUtil.AssertClose(TestUtil.ToDouble(io["grad.input"].Data.ToArray()), workspace.InputGradients[..inputs.Length], Tolerance, $"{fixture} grad.input");
        output.WriteLine($"{fixture} grad.input: max difference / scale {worst:G3}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Predictions_AreTheReferenceDecisions(string fixture)
    {
        var network = ModelFile.Load(TestUtil.ReferenceData($"{fixture}.safetensors"));
        var io = SafeTensorsFile.Read(TestUtil.ReferenceData($"{fixture}-io.safetensors"));
        float[] outputs = io["output"].Data.ToArray();
        int count = outputs.Length / 10;
        var predictions = new int[count];
        network.Predict(network.CreateWorkspace(count), io["input"].Data.ToArray(), predictions);
        bool classic = fixture == "classic";
        for (int b = 0; b < count; b++)
        {
            var row = outputs.AsSpan(b * 10, 10).ToArray();
            int expected = Array.IndexOf(row, classic ? row.Min() : row.Max());
            Assert.Equal(expected, predictions[b]);
        }
    }

    [Fact]
    public void MapLoss_ReproducesPyTorch_OnPenaltiesOfTheOrderOfJ()
    {
        var file = SafeTensorsFile.Read(TestUtil.ReferenceData("classic-map-loss.safetensors"));
        float[] y = file["y"].Data.ToArray(), expectedLoss = file["loss"].Data.ToArray(), expectedGradient = file["grad.y"].Data.ToArray();
        int[] labels = file["label"].Data.ToArray().Select(v => (int)v).ToArray();
        var loss = new MapLoss(double.Parse(file.Metadata["map_j"], System.Globalization.CultureInfo.InvariantCulture));
        var gradient = new float[y.Length];
        for (int b = 0; b < labels.Length; b++)
        {
            float e = loss.Loss(y.AsSpan(b * 10, 10), labels[b], gradient.AsSpan(b * 10, 10));
            Assert.Equal(expectedLoss[b], e, Tolerance * Math.Max(1, Math.Abs(expectedLoss[b])));
        }
        TestUtil.AssertClose(TestUtil.ToDouble(expectedGradient), gradient, 1e-6, "MAP loss gradient");
    }

    [Theory]
    [InlineData("mnist-t10k-first8-idx3-ubyte")]
    [InlineData("mnist-t10k-first8-32x32-idx3-ubyte")]
    public void Preprocessing_GivesTheReferenceInputs_BitForBit(string images)
    {
        float[] expected = SafeTensorsFile.Read(TestUtil.ReferenceData("classic-io.safetensors"))["input"].Data.ToArray();
        byte[] file = File.ReadAllBytes(TestUtil.ReferenceData(images));
        int side = file[11];
        var actual = new float[expected.Length];
        for (int b = 0; b < 8; b++)
        {
            ReadOnlySpan<byte> pixels = file.AsSpan(16 + (b * side * side), side * side);
            if (side == 28)
                Preprocessing.Normalize28x28(pixels, actual.AsSpan(b * 1024, 1024));
            else
                Preprocessing.Normalize32x32(pixels, actual.AsSpan(b * 1024, 1024));
        }
        Assert.Equal(expected, actual);
    }
}
