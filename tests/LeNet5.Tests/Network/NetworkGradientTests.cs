using LeNet5.Network;
using LeNet5.Tests.Layers;

namespace LeNet5.Tests.Network;

/// <summary>The whole network: reference gradients against finite differences, and the float path against the reference.</summary>
[Collection("Simd")]
public class NetworkGradientTests
{
    private const int Batch = 2;

    public static TheoryData<string> Networks => new(LayerCases.Networks);

    public static TheoryData<string, int> NetworksWithWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in LayerCases.Networks)
        {
            foreach (int bits in TestUtil.Widths())
                data.Add(network, bits);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void ReferenceLossGradient_MatchesFiniteDifferences(string name)
    {
        var (network, parameters, inputs, labels) = Make(name);
        var outputs = new double[Batch * LeNet5Network.Classes];
        var parameterGradient = new double[parameters.Length];
        var inputGradient = new double[inputs.Length];
        network.ReferenceLoss(parameters, inputs, labels, outputs, parameterGradient, inputGradient);
        double Objective() => network.ReferenceLoss(parameters, inputs, labels, new double[outputs.Length], new double[parameters.Length], new double[inputs.Length]);
        var random = new Random(5);
        LayerGradientTests.CheckAgainstFiniteDifferences(parameters, parameterGradient, Objective, random, $"{name} loss/parameters");
        LayerGradientTests.CheckAgainstFiniteDifferences(inputs, inputGradient, Objective, random, $"{name} loss/inputs");
    }

    [Theory]
    [MemberData(nameof(NetworksWithWidths))]
    public void ComputeGradients_MatchesTheReference(string name, int bits)
    {
        var (network, parameters, inputs, labels) = Make(name);
        var expectedOutputs = new double[Batch * LeNet5Network.Classes];
        var expectedParameterGradient = new double[parameters.Length];
        var expectedInputGradient = new double[inputs.Length];
        double expectedLoss = network.ReferenceLoss(parameters, inputs, labels, expectedOutputs, expectedParameterGradient, expectedInputGradient);

        float[] inputsF = inputs.Select(v => (float)v).ToArray();
        TestUtil.WithWidth(bits, () =>
        {
            var workspace = network.CreateWorkspace(Batch);
            float loss = network.ComputeGradients(workspace, inputsF, labels, computeInputGradients: true);
            Assert.Equal(expectedLoss, loss, Math.Max(1, Math.Abs(expectedLoss)) * 1e-5);
            TestUtil.AssertClose(expectedOutputs, network.Forward(workspace, inputsF), 2e-5, $"{name} outputs @{bits}");
            TestUtil.AssertClose(expectedParameterGradient, workspace.ParameterGradients, 1e-4, $"{name} parameter gradients @{bits}");
            TestUtil.AssertClose(expectedInputGradient, workspace.InputGradients[..inputs.Length], 1e-4, $"{name} input gradients @{bits}");
        });
    }

    [Fact]
    public void ComputeGradients_ClearsThePreviousGradients()
    {
        var (network, _, inputs, labels) = Make("Classic");
        float[] inputsF = inputs.Select(v => (float)v).ToArray();
        var workspace = network.CreateWorkspace(Batch);
        network.ComputeGradients(workspace, inputsF, labels);
        float[] first = workspace.ParameterGradients.ToArray();
        network.ComputeGradients(workspace, inputsF, labels);
        Assert.Equal(first, workspace.ParameterGradients.ToArray());
    }

    [Fact]
    public void ComputeGradients_RejectsBadArguments()
    {
        var network = LeNet5Network.Create();
        var workspace = network.CreateWorkspace(2);
        var image = new float[LeNet5Network.InputSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeGradients(workspace, image, [10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeGradients(workspace, image, [-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeGradients(workspace, image, [1, 2]));
        Assert.Throws<ArgumentException>(() => network.ComputeGradients(workspace, new float[1000], [1]));
        Assert.Throws<ArgumentException>(() => network.Forward(workspace, new float[3 * LeNet5Network.InputSize]));
        Assert.Throws<ArgumentException>(() => network.Forward(LeNet5Network.Create().CreateWorkspace(), image));
    }

    private static (LeNet5Network Network, double[] Parameters, double[] Inputs, int[] Labels) Make(string name)
    {
        var network = LayerCases.Build(name);
        // Scale the initial weights up a little so every layer is in its nonlinear range.
        Span<float> p = network.Parameters;
        for (int i = 0; i < p.Length; i++)
            p[i] *= 3;
        var random = new Random(11);
        double[] inputs = TestUtil.ToDouble(TestUtil.RandomFloats(random, Batch * LeNet5Network.InputSize, 1.2));
        return (network, TestUtil.ToDouble(network.Parameters), inputs, [3, 8]);
    }
}
