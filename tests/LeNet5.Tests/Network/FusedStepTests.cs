using LeNet5.Kernels;
using LeNet5.Network;
using LeNet5.Tests.Layers;

namespace LeNet5.Tests.Network;

/// <summary>
/// The trainer's batch-1 SDLM step with the dense layers stepping in their backward pass
/// (<see cref="LeNet5Network.ComputeGradientsAndDiagonalStep"/>) against the two passes it replaces, the gradients of
/// every layer stored and then <see cref="OptimizerKernels.DiagonalStep"/> over all parameters.
/// </summary>
[Collection("Simd")]
public class FusedStepTests
{
    [Theory]
    [MemberData(nameof(NetworkGradientTests.NetworksWithWidths), MemberType = typeof(NetworkGradientTests))]
    public void FusedStep_GivesTheWeightsOfGradientsThenStep_BitForBit(string name, int bits)
    {
        var random = new Random(bits + 3);
        TestUtil.WithWidth(bits, () =>
        {
            var twoPasses = LayerCases.Build(name);
            var fused = LayerCases.Build(name);
            var workspace = twoPasses.CreateWorkspace(1);
            var fusedWorkspace = fused.CreateWorkspace(1);
            // Rates of the size SDLM's 1/(µ + h) reaches, and a rate large enough that every step moves every weight.
            float[] rates = TestUtil.RandomFloats(random, twoPasses.ParameterCount, 50).Select(r => Math.Abs(r) + 1f).ToArray();
            const float Eta = 0.002f;
            for (int image = 0; image < 12; image++)
            {
                float[] input = TestUtil.RandomFloats(random, LeNet5Network.InputSize).Select(v => (v * 0.64f) + 0.54f).ToArray();
                int label = random.Next(LeNet5Network.Classes);
                float loss = twoPasses.ComputeGradients(workspace, input, [label]);
                OptimizerKernels.DiagonalStep(twoPasses.Parameters, workspace.ParameterGradients, rates, Eta);
                float fusedLoss = fused.ComputeGradientsAndDiagonalStep(fusedWorkspace, input, label, rates, Eta);
                Assert.Equal(loss, fusedLoss);
                Assert.True(twoPasses.Parameters.SequenceEqual(fused.Parameters), $"{name} @{bits}: the weights differ after image {image}");
            }
            Assert.False(LayerCases.Build(name).Parameters.SequenceEqual(fused.Parameters), "the steps changed nothing");
        });
    }

    [Fact]
    public void ANonFiniteLoss_ChangesNothing()
    {
        var network = LeNet5Network.Create(seed: 5);
        float[] before = network.Parameters.ToArray();
        float[] input = new float[LeNet5Network.InputSize];
        input[100] = float.NaN;
        float[] rates = Enumerable.Repeat(1f, network.ParameterCount).ToArray();
        float loss = network.ComputeGradientsAndDiagonalStep(network.CreateWorkspace(1), input, 3, rates, 0.01f);
        Assert.False(float.IsFinite(loss));
        Assert.Equal(before, network.Parameters.ToArray());
    }
}
