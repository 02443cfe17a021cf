using LeNet5.Layers;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Layers;

/// <summary>Every layer of the three networks under test, with seeded parameters, inputs and upstream gradients.</summary>
internal static class LayerCases
{
    public static readonly string[] Networks = ["Classic", "Modern-Tanh-Average", "Modern-ReLU-Max"];

    public static LeNet5Network Build(string network) => network switch
    {
        "Classic" => LeNet5Network.Create(NetworkDefinition.Classic, seed: 7),
        "Modern-Tanh-Average" => LeNet5Network.Create(NetworkDefinition.Modern(Activation.Tanh, Pooling.Average), seed: 7),
        "Modern-ReLU-Max" => LeNet5Network.Create(NetworkDefinition.Modern(Activation.ReLU, Pooling.Max), seed: 7),
        _ => throw new ArgumentOutOfRangeException(nameof(network)),
    };

    public static TheoryData<string, int> All()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in Networks)
        {
            for (int layer = 0; layer < 7; layer++)
                data.Add(network, layer);
        }

        return data;
    }

    public static TheoryData<string, int, int> AllWithWidths()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string network in Networks)
        {
            for (int layer = 0; layer < 7; layer++)
            {
                foreach (var bits in TestUtil.Widths())
                    data.Add(network, layer, bits);
            }
        }

        return data;
    }

    /// <summary>
    /// A layer with its network's initial parameters scaled up (so the squash is exercised beyond its linear
    /// part), a random input batch and a random upstream gradient.
    /// </summary>
    public static (Layer Layer, float[] Parameters, float[] Input, float[] UpstreamGradient) Make(string network, int layerIndex, int batch)
    {
        var net = Build(network);
        var layer = net.Layers[layerIndex];
        var random = new Random(100 + layerIndex);
        float[] parameters = net.LayerParameters(layerIndex).ToArray();
        for (int i = 0; i < parameters.Length; i++)
            parameters[i] *= 3;
        float[] input = TestUtil.RandomFloats(random, batch * layer.InputShape.Size, 1.5);
        float[] upstream = TestUtil.RandomFloats(random, batch * layer.OutputShape.Size);
        return (layer, parameters, input, upstream);
    }
}
