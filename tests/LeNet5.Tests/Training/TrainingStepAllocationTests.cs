using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Tests.Training;

/// <summary>
/// A training step — the gradients, the curvature pass SDLM runs before each pass, and the optimiser's update — allocates
/// nothing once warm, for both networks, at batch 1 and at a minibatch, at every vector width (the kernels' stack
/// buffers and scratch differ per width).
/// </summary>
[Collection("Simd")]
public class TrainingStepAllocationTests
{
    public static TheoryData<int> Bits => TestUtil.WidthData();

    [Theory]
    [MemberData(nameof(Bits))]
    public void ASteadyStateStep_AllocatesNothing(int bits)
    {
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var definition in new[] { NetworkDefinition.Classic, NetworkDefinition.Modern(), NetworkDefinition.Modern(Activation.Tanh, Pooling.Average) })
            {
                foreach (int batch in new[] { 1, 8 })
                {
                    var network = LeNet5Network.Create(definition, seed: 3);
                    var workspace = network.CreateWorkspace(batch);
                    var random = new Random(batch);
                    float[] inputs = TestUtil.RandomFloats(random, batch * LeNet5Network.InputSize);
                    int[] labels = Enumerable.Range(0, batch).Select(i => i % LeNet5Network.Classes).ToArray();
                    Optimizer[] optimizers = [new DiagonalLevenbergMarquardt(network.ParameterCount), new SgdMomentum(network.ParameterCount, 0.9f), new Adam(network.ParameterCount)];
                    void Step()
                    {
                        network.AccumulateCurvature(workspace, inputs, labels);
                        network.ComputeGradients(workspace, inputs, labels);
                        foreach (var optimizer in optimizers)
                            optimizer.Step(network.Parameters, workspace.ParameterGradients, 1e-6f);
                    }

                    for (int i = 0; i < 3; i++)
                        Step();
                    // A round of five steps that allocates nothing shows that a step allocates nothing.
                    var rounds = TestUtil.BytesPerRoundOnceWarm(() =>
                    {
                        for (int i = 0; i < 5; i++)
                            Step();
                    });
                    Assert.True(rounds[^1] == 0, $"{definition.Architecture} batch {batch} @{bits}: bytes per round of five steps: {string.Join(", ", rounds)}");
                }
            }
        });
    }
}
