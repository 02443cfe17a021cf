using System.Runtime.InteropServices;
using LeNet5.Kernels;
using LeNet5.Model;
using Architecture = LeNet5.Model.Architecture;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Tests.Kernels;

/// <summary>Where the hot buffers sit: the element each is placed by on a 64-byte boundary, for the life of the buffer.</summary>
public class AlignedArrayTests
{
    private static long Address(ArraySegment<float> segment, int index) => (long)Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array!, segment.Offset + index);

    [Fact]
    public void Allocate_PutsTheChosenElementOnALine_ForEveryLengthAndIndex()
    {
        for (int length = 0; length <= 40; length++)
        {
            for (int index = 0; index <= Math.Max(length, 20); index++)
            {
                var segment = AlignedArray.Allocate(length, index);
                Assert.Equal(length, segment.Count);
                Assert.True(segment.Offset + length <= segment.Array!.Length);
                Assert.Equal(0, Address(segment, index) % 64);
                Assert.All(segment, v => Assert.Equal(0f, v));
            }
        }
    }

    [Fact]
    public void Allocate_StaysOnItsLine_AfterCollections()
    {
        var segment = AlignedArray.Allocate(1000, 3);
        var garbage = new List<float[]>();
        for (int i = 0; i < 200; i++)
            garbage.Add(new float[1000 + i]);
        garbage.Clear();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal(0, Address(segment, 3) % 64);
    }

    [Fact]
    public void WholeLines_RoundsUpToSixteenFloats()
    {
        Assert.Equal([0, 16, 16, 32, 1600, 1616], new[] { 0, 1, 16, 17, 1600, 1601 }.Select(AlignedArray.WholeLines));
    }

    [Theory]
    [InlineData(Architecture.Classic)]
    [InlineData(Architecture.Modern)]
    public void TheNetworkAndItsBuffers_StartC5sWeightsOnALine(Architecture architecture)
    {
        var network = LeNet5Network.Create(architecture == Architecture.Classic ? NetworkDefinition.Classic : NetworkDefinition.Modern(), 1);
        // C5: the layer with the most parameters (120 × 400 weights and 120 biases), after C1, S2, C3 and S4.
        int c5 = network.Layers.Take(4).Sum(l => l.ParameterCount);
        Assert.Equal(120 * 400 + 120, network.Layers[4].ParameterCount);
        Assert.Equal(c5, network.AlignedParameter);
        unsafe
        {
            fixed (float* parameters = network.Parameters)
                Assert.Equal(0, (long)(parameters + c5) % 64);
            var workspace = network.CreateWorkspace(3);
            fixed (float* gradients = workspace.ParameterGradients)
                Assert.Equal(0, (long)(gradients + c5) % 64);
            for (int l = 0; l < network.Layers.Count; l++)
            {
                fixed (float* activation = workspace.Activation(l, 3))
                    Assert.Equal(0, (long)activation % 64);
                fixed (float* gradient = workspace.Gradient(l, 3))
                    Assert.Equal(0, (long)gradient % 64);
            }
        }
    }

    [Theory]
    [InlineData(OptimizerKind.DiagonalLevenbergMarquardt)]
    [InlineData(OptimizerKind.SgdMomentum)]
    [InlineData(OptimizerKind.Adam)]
    public void TheTrainersOptimiserState_IsPlacedAsTheParameters(OptimizerKind kind)
    {
        var network = LeNet5Network.Create(NetworkDefinition.Classic, 1);
        using var trainer = new Trainer(network, TrainingOptions.PaperClassic with { Optimizer = kind });
        int c5 = network.AlignedParameter;
        if (trainer.Optimizer is DiagonalLevenbergMarquardt sdlm)
        {
            unsafe
            {
                fixed (float* rates = sdlm.Rates)
                    Assert.Equal(0, (long)(rates + c5) % 64);
            }
            return;
        }
        var buffers = trainer.Optimizer.State.Where(s => s.Values.Count == network.ParameterCount).ToList();
        Assert.NotEmpty(buffers);
        Assert.All(buffers, s => Assert.Equal(0, Address(s.Values, c5) % 64));
    }
}
