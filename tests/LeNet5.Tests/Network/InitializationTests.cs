using LeNet5.Layers;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Network;

/// <summary>The paper's initialisation (Appendix A): uniform in ±2.4/F, F the fan-in, seeded.</summary>
public class InitializationTests
{
    [Fact]
    public void SameSeed_SameNetwork_DifferentSeed_DifferentNetwork()
    {
        float[] a = LeNet5Network.Create(seed: 42).Parameters.ToArray();
        float[] b = LeNet5Network.Create(seed: 42).Parameters.ToArray();
        float[] c = LeNet5Network.Create(seed: 43).Parameters.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(Architecture.Classic)]
    [InlineData(Architecture.Modern)]
    public void EveryParameter_IsUniformInPlusMinus2Point4OverFanIn(Architecture architecture)
    {
        var definition = architecture == Architecture.Classic ? NetworkDefinition.Classic : NetworkDefinition.Modern();
        var network = LeNet5Network.Create(definition, seed: 1);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            ReadOnlySpan<float> parameters = network.LayerParameters(l);
            if (parameters.IsEmpty)
                continue;
            // Normalise each parameter by its own limit 2.4/F: the result must be U(-1, 1).
            var normalised = new double[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
                normalised[i] = parameters[i] / (2.4 / FanIn(layer, i));
            Assert.All(normalised, v => Assert.InRange(v, -1, 1));
            if (normalised.Length < 12)
                continue;
            // U(-1,1) has mean 0 and variance 1/3; allow 5 standard errors.
            double mean = normalised.Average();
            double variance = normalised.Select(v => (v - mean) * (v - mean)).Average();
            double n = normalised.Length;
            Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(1.0 / 3 / n), $"{layer.Name}: mean {mean:G4} over {n} values");
            Assert.True(Math.Abs(variance - (1.0 / 3)) < 5 * Math.Sqrt(4.0 / 45 / n) + 0.01, $"{layer.Name}: variance {variance:G4} over {n} values");
        }
    }

    /// <summary>The fan-in of the unit a parameter feeds, worked out from the layer's definition independently of Initialize.</summary>
    private static int FanIn(Layer layer, int parameter) => layer switch
    {
        ConvolutionLayer conv => conv.KernelSize * conv.KernelSize * conv.Table.FanIn(OutputMapOf(conv, parameter)),
        SubsamplingLayer => 4,
        FullyConnectedLayer => layer.InputShape.Size,
        _ => throw new InvalidOperationException(layer.Name),
    };

    private static int OutputMapOf(ConvolutionLayer conv, int parameter)
    {
        int kernelParameters = conv.Table.Connections * conv.KernelSize * conv.KernelSize;
        return parameter >= kernelParameters
            ? parameter - kernelParameters
            : conv.Table.OutputOfConnection[parameter / (conv.KernelSize * conv.KernelSize)];
    }
}
