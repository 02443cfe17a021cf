using LeNet5.Layers;
using LeNet5.Network;

namespace LeNet5.Tests.Layers;

/// <summary>
/// The Gauss-Newton diagonal of Appendix C, layer by layer, against an independent computation: for a
/// diagonal curvature D of E in the layer's outputs y, the diagonal Gauss-Newton curvature in a parameter or
/// an input v is Σ_i D_i·(∂y_i/∂v)², with the Jacobian ∂y/∂v taken here by central differences through the
/// double-precision reference forward pass. Convolutions, dense layers and pooling use each weight at most
/// once per unit, so this is exactly the paper's sum over connections. The subsampling coefficient is shared
/// by the four connections of a unit; there the paper's formula Σ d²E/da²·x_j² is checked directly.
/// </summary>
public class LayerCurvatureTests
{
    private const int Batch = 2;
    private const double Step = 1e-5;
    private const int Sampled = 25;

    public static TheoryData<string, int> JacobianLayers()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in LayerCases.Networks)
        {
            for (int layer = 0; layer < 7; layer++)
            {
                if (!(network == "Classic" && layer is 1 or 3 or 6))
                    data.Add(network, layer);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JacobianLayers))]
    public void Curvature_IsTheGaussNewtonDiagonal_OfTheLayersJacobian(string network, int layerIndex)
    {
        var (layer, parameters, input, upstream) = LayerCases.Make(network, layerIndex, Batch);
        float[] curvatureIn = upstream.Select(v => Math.Abs(v) + 0.1f).ToArray();
        var (parameterCurvature, inputCurvature) = Run(layer, parameters, input, curvatureIn);

        double[] p = TestUtil.ToDouble(parameters), x = TestUtil.ToDouble(input);
        var random = new Random(layerIndex + 17);
        foreach (int k in Sample(p.Length, random))
            AssertNear(JacobianCurvature(layer, p, x, curvatureIn, p, k), parameterCurvature[k], $"{network} {layer.Name} parameter {k}");
        foreach (int j in Sample(x.Length, random))
            AssertNear(JacobianCurvature(layer, p, x, curvatureIn, x, j), inputCurvature[j], $"{network} {layer.Name} input {j}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SubsamplingCurvature_IsThePapersSumOverConnections(int layerIndex)
    {
        var (layer, parameters, input, upstream) = LayerCases.Make("Classic", layerIndex, Batch);
        float[] curvatureIn = upstream.Select(v => Math.Abs(v) + 0.1f).ToArray();
        var (parameterCurvature, inputCurvature) = Run(layer, parameters, input, curvatureIn);

        double[] p = TestUtil.ToDouble(parameters), x = TestUtil.ToDouble(input);
        var y = new double[Batch * layer.OutputShape.Size];
        layer.ForwardReference(p, x, y, Batch);
        int maps = layer.InputShape.Channels, w = layer.InputShape.Width, ow = layer.OutputShape.Width, plane = layer.OutputShape.Plane;
        var expectedParameters = new double[p.Length];
        var expectedInput = new double[x.Length];
        for (int b = 0; b < Batch; b++)
        {
            for (int m = 0; m < maps; m++)
            {
                for (int u = 0; u < plane; u++)
                {
                    int unit = (((b * maps) + m) * plane) + u;
                    double slope = 1.7159 * (2.0 / 3) * (1 - Math.Pow(y[unit] / 1.7159, 2)); // f'(a) from f(a)
                    double d = slope * slope * curvatureIn[unit];
                    int at = (((b * maps) + m) * layer.InputShape.Plane) + (2 * (u / ow) * w) + (2 * (u % ow));
                    foreach (int j in new[] { at, at + 1, at + w, at + w + 1 })
                    {
                        expectedParameters[m] += d * x[j] * x[j];
                        expectedInput[j] = p[m] * p[m] * d;
                    }
                    expectedParameters[maps + m] += d;
                }
            }
        }

        TestUtil.AssertClose(expectedParameters, parameterCurvature, 1e-5, "subsampling parameter curvature");
        TestUtil.AssertClose(expectedInput, inputCurvature, 1e-5, "subsampling input curvature");
    }

    [Fact]
    public void RbfCurvature_IsTwoPerF6Output_FromTheCorrectClass()
    {
        var network = LeNet5Network.Create(seed: 3);
        var workspace = network.CreateWorkspace(1);
        var image = TestUtil.RandomFloats(new Random(1), LeNet5Network.InputSize);
        workspace.ParameterCurvature.Clear();
        network.AccumulateCurvature(workspace, image, [4]);
        // F6's inputs are C5's outputs: d²E/dw(F6 o, i)² = 2·f'(a_o)²·x_i², so the bias of unit o has curvature 2·f'(a_o)².
        int f6 = network.Layers.Count - 2;
        var f6Output = new float[84];
        network.Forward(workspace, image);
        workspace.Activation(f6, 1).CopyTo(f6Output);
        ReadOnlySpan<float> curvature = workspace.LayerParameterCurvature(f6);
        for (int o = 0; o < 84; o++)
        {
            double slope = 1.7159 * (2.0 / 3) * (1 - Math.Pow(f6Output[o] / 1.7159, 2));
            Assert.Equal(2 * slope * slope, curvature[(84 * 120) + o], 1e-4);
        }
    }

    private static (float[] Parameters, float[] Input) Run(Layer layer, float[] parameters, float[] input, float[] curvatureIn)
    {
        var output = new float[Batch * layer.OutputShape.Size];
        layer.Forward(parameters, input, output, Batch, new float[layer.ScratchSize]);
        var parameterCurvature = new float[parameters.Length];
        var inputCurvature = new float[input.Length];
        layer.BackwardCurvature(parameters, input, output, (float[])curvatureIn.Clone(), inputCurvature, parameterCurvature, Batch,
            new float[layer.CurvatureScratchSize(Batch)]);
        return (parameterCurvature, inputCurvature);
    }

    /// <summary>Σ_i D_i (∂y_i/∂v)² with ∂y/∂v by central differences through the reference forward pass.</summary>
    private static double JacobianCurvature(Layer layer, double[] parameters, double[] input, float[] curvature, double[] varied, int index)
    {
        var plus = new double[Batch * layer.OutputShape.Size];
        var minus = new double[plus.Length];
        double saved = varied[index];
        varied[index] = saved + Step;
        layer.ForwardReference(parameters, input, plus, Batch);
        varied[index] = saved - Step;
        layer.ForwardReference(parameters, input, minus, Batch);
        varied[index] = saved;
        double sum = 0;
        for (int i = 0; i < plus.Length; i++)
        {
            double derivative = (plus[i] - minus[i]) / (2 * Step);
            sum += curvature[i] * derivative * derivative;
        }
        return sum;
    }

    private static IEnumerable<int> Sample(int length, Random random)
        => length <= Sampled ? Enumerable.Range(0, length) : Enumerable.Range(0, Sampled).Select(_ => random.Next(length)).Distinct();

    private static void AssertNear(double expected, float actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1e-3, Math.Abs(expected)) + 1e-9,
            $"{what}: curvature {actual:G7}, Jacobian gives {expected:G7}");
}
