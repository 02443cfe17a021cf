using LeNet5.Network;

namespace LeNet5.Tests.Network;

/// <summary>
/// The whole Classic network's Hessian-diagonal estimate (Appendix C) against an independent computation.
/// Appendix C approximates E by the correct class's penalty y_D = Σ_o (x_o − p_Do)², x the F6 outputs, whose
/// Hessian in x is 2I; the Gauss-Newton diagonal in a parameter w is then 2·Σ_o (∂x_o/∂w)², with the Jacobian
/// ∂x/∂w taken here by central differences through the double-precision reference forward pass. A weight of F6
/// or C5 reaches each F6 output along one path, so there the paper's back-propagated sum must equal that
/// diagonal; below C5 a shared weight reaches an output along many paths and the paper's recursion keeps only
/// the squares of the paths (its diagonal approximation), so those layers are checked one at a time against their
/// own Jacobians in <c>LayerCurvatureTests</c>.
/// </summary>
public class NetworkCurvatureTests
{
    private const double Step = 1e-5;
    private const int F6 = 5;
    private const int C5 = 4;

    [Theory]
    [InlineData(C5)]
    [InlineData(F6)]
    public void AccumulatedCurvature_IsTheGaussNewtonDiagonal_FromTheF6Jacobian(int layer)
    {
        var network = LeNet5Network.Create(seed: 8);
        // Larger weights than the initial ones, so that units leave their linear regime and the curvature is not tiny.
        var random = new Random(2);
        Span<float> weights = network.Parameters;
        for (int i = 0; i < weights.Length; i++)
            weights[i] *= 4 * (float)random.NextDouble();
        float[] image = TestUtil.RandomFloats(random, LeNet5Network.InputSize);
        var workspace = network.CreateWorkspace(1);
        workspace.ParameterCurvature.Clear();
        network.AccumulateCurvature(workspace, image, [7]);
        float[] estimate = workspace.ParameterCurvature.ToArray();

        double[] parameters = TestUtil.ToDouble(network.Parameters);
        double[] input = TestUtil.ToDouble(image);
        int offset = network.ParameterOffset(layer), count = network.Layers[layer].ParameterCount;
        foreach (int k in Enumerable.Range(0, 40).Select(_ => offset + random.Next(count)).Distinct())
        {
            double saved = parameters[k];
            parameters[k] = saved + Step;
            double[] plus = network.ReferenceActivations(parameters, input, 1)[F6];
            parameters[k] = saved - Step;
            double[] minus = network.ReferenceActivations(parameters, input, 1)[F6];
            parameters[k] = saved;
            double expected = 0;
            for (int o = 0; o < 84; o++)
            {
                double derivative = (plus[o] - minus[o]) / (2 * Step);
                expected += 2 * derivative * derivative;
            }
            Assert.True(Math.Abs(expected - estimate[k]) <= (1e-3 * expected) + 1e-7,
                $"{network.Layers[layer].Name} parameter {k - offset}: estimate {estimate[k]:G7}, Jacobian gives {expected:G7}");
        }
    }
}
