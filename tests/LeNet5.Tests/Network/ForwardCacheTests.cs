using LeNet5.Layers;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Network;

/// <summary>
/// C3 keeps its kernels in the tap-major layout in the workspace from one forward pass to the next
/// (<see cref="Layer.CacheSize"/>). Kept values must never outlive the weights they were made from: after each change of
/// the weights, a workspace that has seen the old ones gives, bit for bit, what the layers compute with no cache at all
/// (each transposing into scratch).
/// </summary>
public class ForwardCacheTests
{
    public static TheoryData<string> Networks => new("classic", "modern");

    private const int C3 = 2;

    [Theory]
    [MemberData(nameof(Networks))]
    public void AWorkspaceThatSawOtherWeights_GivesTheUncachedBits(string name)
    {
        var network = LeNet5Network.Create(name == "classic" ? NetworkDefinition.Classic : NetworkDefinition.Modern(), seed: 5);
        var layer = (ConvolutionLayer)network.Layers[C3];
        Assert.True(layer.CacheSize > 0);
        var random = new Random(9);
        float[] images = [.. Enumerable.Range(0, 2 * LeNet5Network.InputSize).Select(_ => (float)((random.NextDouble() * 1.275) - 0.1))];
        var kept = network.CreateWorkspace(2);
        Span<float> kernels = network.LayerParameters(C3)[..(layer.Table.Connections * layer.KernelSize * layer.KernelSize)];
        float original = kernels[37];

        AssertSameAsUncached(network, kept, images, "first pass");
        AssertSameAsUncached(network, kept, images, "same weights again");
        kernels[37] = original + 0.25f;
        AssertSameAsUncached(network, kept, images, "one weight changed");
        kernels[^1] = float.NaN;
        AssertSameAsUncached(network, kept, images, "the last weight NaN");
        Assert.Contains(kept.Activation(C3, 2).ToArray(), float.IsNaN);
        kernels[^1] = 0f;
        kernels[37] = original;
        AssertSameAsUncached(network, kept, images, "weights changed back");
        kernels.Clear();
        AssertSameAsUncached(network, network.CreateWorkspace(2), images, "zero kernels in a new workspace");
        AssertSameAsUncached(network, kept, images, "zero kernels in the used workspace");
    }

    private static void AssertSameAsUncached(LeNet5Network network, NetworkWorkspace workspace, float[] images, string step)
    {
        network.Forward(workspace, images);
        var uncached = network.CreateWorkspace(2);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            ReadOnlySpan<float> input = l == 0 ? images : uncached.Activation(l - 1, 2);
            network.Layers[l].Forward(network.LayerParameters(l), input, uncached.Activation(l, 2), 2, uncached.Scratch);
            Assert.True(BitConverter.ToString(Bytes(uncached.Activation(l, 2))) == BitConverter.ToString(Bytes(workspace.Activation(l, 2))),
                $"{step}: {network.Layers[l].Name} differs from the uncached forward");
        }
    }

    private static byte[] Bytes(Span<float> values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
}
