using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Network;

/// <summary>The byte-label overloads of ComputeGradients gives what the int one gives.</summary>
public class ByteLabelTests
{
    [Theory]
    [InlineData(false, 5)]
    [InlineData(true, 5)]
    [InlineData(false, 300)]
    public void ByteLabels_GiveTheIntLabelsLossAndGradients(bool modern, int count)
    {
        MnistDataset data = MnistDataset.LoadTraining(TestPaths.MnistSubsetDirectory, count);
        var network = LeNet5Network.Create(modern ? NetworkDefinition.Modern() : NetworkDefinition.Classic, seed: 2);
        var inputs = new float[count * LeNet5Network.InputSize];
        data.CopyInputs(Enumerable.Range(0, count).ToArray(), inputs);
        byte[] bytes = data.Labels.ToArray();
        int[] ints = bytes.Select(b => (int)b).ToArray();
        NetworkWorkspace workspace = network.CreateWorkspace(count);

        float intLoss = network.ComputeGradients(workspace, inputs, ints, computeInputGradients: true);
        float[] intGradients = workspace.ParameterGradients.ToArray();
        float[] intInputGradients = workspace.InputGradients.ToArray();
        float byteLoss = network.ComputeGradients(workspace, inputs, bytes, computeInputGradients: true);
        Assert.Equal(intLoss, byteLoss);
        Assert.True(workspace.ParameterGradients.SequenceEqual(intGradients));
        Assert.True(workspace.InputGradients.SequenceEqual(intInputGradients));

    }

    [Fact]
    public void ABadByteLabel_OrCount_IsRefused()
    {
        var network = LeNet5Network.Create(seed: 1);
        NetworkWorkspace workspace = network.CreateWorkspace(2);
        var inputs = new float[2 * LeNet5Network.InputSize];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeGradients(workspace, inputs, new byte[] { 3, 10 }));
        Assert.Contains("Label 1 is 10", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeGradients(workspace, inputs, new byte[] { 3 }));
    }
}
