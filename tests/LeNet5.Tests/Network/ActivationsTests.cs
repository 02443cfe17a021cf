using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Network;

/// <summary>
/// <see cref="LeNet5Network.Activations(ReadOnlySpan{float})"/>: every layer, named and shaped as the layer definitions
/// say, holding the workspace's own activations after <see cref="LeNet5Network.Forward"/>, bit for bit.
/// </summary>
public class ActivationsTests
{
    public static TheoryData<string> Networks => new("classic", "modern-tanh-average", "modern-relu-max");

    private static NetworkDefinition Definition(string name) => name switch
    {
        "classic" => NetworkDefinition.Classic,
        "modern-tanh-average" => NetworkDefinition.Modern(Activation.Tanh, Pooling.Average),
        _ => NetworkDefinition.Modern(Activation.ReLU, Pooling.Max),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryLayer_HasItsNameShapeAndTheWorkspacesValues(string name)
    {
        var network = LeNet5Network.Create(Definition(name), seed: 3);
        var digits = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, 2);
        var image = new float[LeNet5Network.InputSize];
        digits.CopyInput(1, image);

        IReadOnlyList<LayerActivation> layers = network.Activations(image);

        var workspace = network.CreateWorkspace(1);
        float[] output = network.Forward(workspace, image).ToArray();
        Assert.Equal(["C1", "S2", "C3", "S4", "C5", "F6", "Output"], layers.Select(l => l.Name));
        for (int l = 0; l < layers.Count; l++)
        {
            LayerSummary row = network.Summary.Layers[l];
            Assert.Equal(row.Name, layers[l].Name);
            int[] expected = row.Output.Count == 3 ? [.. row.Output] : [row.Output[0], 1, 1];
            Assert.Equal(expected, new[] { layers[l].Shape.Channels, layers[l].Shape.Height, layers[l].Shape.Width });
            Assert.Equal(layers[l].Shape.Size, layers[l].Values.Length);
            Assert.Equal(workspace.Activation(l, 1).ToArray(), layers[l].Values);
        }
        Assert.Equal(output, layers[^1].Values);
        Assert.Equal(new TensorShape(6, 28, 28), layers[0].Shape);
        Assert.Equal(new TensorShape(16, 5, 5), layers[3].Shape);
        // Not all zero: the image reached every layer.
        Assert.All(layers, l => Assert.Contains(l.Values, v => v != 0));
    }

    [Fact]
    public void Map_IsOneChannelOfTheValues()
    {
        var network = LeNet5Network.Create(seed: 1);
        var image = new float[LeNet5Network.InputSize];
        image.AsSpan().Fill(-0.1f);
        image[(16 * 32) + 16] = 1.175f;
        LayerActivation c3 = network.Activations(image)[2];
        Assert.Equal(c3.Values.AsSpan(5 * 100, 100).ToArray(), c3.Map(5).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => c3.Map(16));
    }

    [Fact]
    public void WrongLength_IsOneClearMessage()
    {
        var network = LeNet5Network.Create();
        var e = Assert.Throws<ArgumentException>(() => network.Activations(new float[784]));
        Assert.Contains("1024 floats", e.Message, StringComparison.Ordinal);
    }
}
