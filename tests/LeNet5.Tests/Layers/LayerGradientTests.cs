namespace LeNet5.Tests.Layers;

/// <summary>
/// Every layer's reference backward pass against central finite differences in double precision, on
/// L = Σ r·layer(p, x) for a random upstream gradient r. With h = 1e-6 the truncation error is O(h²·f''') ≈
/// 1e-12 and the rounding error about 1e-16·|L|/h ≈ 1e-9, so a relative tolerance of 1e-6 separates a
/// correct gradient from any real mistake (a wrong term is off by O(1)).
/// </summary>
public class LayerGradientTests
{
    private const double Step = 1e-6;
    private const double Tolerance = 1e-6;
    private const int Batch = 2;
    private const int MaxChecked = 80;

    [Theory]
    [MemberData(nameof(LayerCases.All), MemberType = typeof(LayerCases))]
    public void ReferenceBackward_MatchesFiniteDifferences(string network, int layerIndex)
    {
        var (layer, parametersF, inputF, upstreamF) = LayerCases.Make(network, layerIndex, Batch);
        double[] parameters = TestUtil.ToDouble(parametersF), input = TestUtil.ToDouble(inputF), upstream = TestUtil.ToDouble(upstreamF);
        var output = new double[Batch * layer.OutputShape.Size];
        layer.ForwardReference(parameters, input, output, Batch);
        var parameterGradient = new double[parameters.Length];
        var inputGradient = new double[input.Length];
        layer.BackwardReference(parameters, input, output, upstream, inputGradient, parameterGradient, Batch);

        double Objective()
        {
            var y = new double[output.Length];
            layer.ForwardReference(parameters, input, y, Batch);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
                sum += upstream[i] * y[i];
            return sum;
        }

        var random = new Random(layerIndex);
        CheckAgainstFiniteDifferences(parameters, parameterGradient, Objective, random, $"{network} {layer.Name} parameters");
        CheckAgainstFiniteDifferences(input, inputGradient, Objective, random, $"{network} {layer.Name} input");
    }

    internal static void CheckAgainstFiniteDifferences(double[] values, double[] analytic, Func<double> objective, Random random, string what)
    {
        IEnumerable<int> indices = values.Length <= MaxChecked
            ? Enumerable.Range(0, values.Length)
            : Enumerable.Range(0, MaxChecked).Select(_ => random.Next(values.Length)).Distinct();
        foreach (int i in indices)
        {
            double saved = values[i];
            values[i] = saved + Step;
            double plus = objective();
            values[i] = saved - Step;
            double minus = objective();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * Step);
            double scale = Math.Max(1, Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])));
            Assert.True(Math.Abs(numeric - analytic[i]) <= Tolerance * scale,
                $"{what}[{i}]: analytic {analytic[i]:G10}, finite difference {numeric:G10}");
        }
    }
}
