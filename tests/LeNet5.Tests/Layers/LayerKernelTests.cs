namespace LeNet5.Tests.Layers;

/// <summary>
/// Every layer's optimised float path against its double reference, at every SIMD width this machine
/// runs. Float rounding grows with the number of terms summed (at most 400 + 1 per unit) and the squash
/// can amplify it near its linear part, so 2e-5 of the tensor's largest magnitude is the tolerance;
/// a wrong index or a dropped tail lane gives errors of order one.
/// </summary>
[Collection("Simd")]
public class LayerKernelTests
{
    private const double Tolerance = 2e-5;
    private const int Batch = 3;

    [Theory]
    [MemberData(nameof(LayerCases.AllWithWidths), MemberType = typeof(LayerCases))]
    public void ForwardAndBackward_MatchTheReference(string network, int layerIndex, int bits)
    {
        var (layer, parameters, input, upstream) = LayerCases.Make(network, layerIndex, Batch);
        double[] parametersD = TestUtil.ToDouble(parameters), inputD = TestUtil.ToDouble(input), upstreamD = TestUtil.ToDouble(upstream);
        var expectedOutput = new double[Batch * layer.OutputShape.Size];
        layer.ForwardReference(parametersD, inputD, expectedOutput, Batch);
        var expectedParameterGradient = new double[parameters.Length];
        var expectedInputGradient = new double[input.Length];
        layer.BackwardReference(parametersD, inputD, expectedOutput, upstreamD, expectedInputGradient, expectedParameterGradient, Batch);

        TestUtil.WithWidth(bits, () =>
        {
            var scratch = new float[layer.ScratchSize];
            var output = new float[expectedOutput.Length];
            layer.Forward(parameters, input, output, Batch, scratch);
            TestUtil.AssertClose(expectedOutput, output, Tolerance, $"{network} {layer.Name} forward @{bits}");

            var parameterGradient = new float[parameters.Length];
            var inputGradient = new float[input.Length];
            var gradient = (float[])upstream.Clone();
            layer.Backward(parameters, input, output, gradient, inputGradient, parameterGradient, Batch, scratch);
            TestUtil.AssertClose(expectedParameterGradient, parameterGradient, Tolerance, $"{network} {layer.Name} parameter gradient @{bits}");
            TestUtil.AssertClose(expectedInputGradient, inputGradient, Tolerance, $"{network} {layer.Name} input gradient @{bits}");
        });
    }

    [Theory]
    [MemberData(nameof(LayerCases.All), MemberType = typeof(LayerCases))]
    public void Backward_AddsIntoParameterGradients_AndSkipsAnEmptyInputGradient(string network, int layerIndex)
    {
        var (layer, parameters, input, upstream) = LayerCases.Make(network, layerIndex, Batch);
        var scratch = new float[layer.ScratchSize];
        var output = new float[Batch * layer.OutputShape.Size];
        layer.Forward(parameters, input, output, Batch, scratch);

        var once = new float[parameters.Length];
        layer.Backward(parameters, input, output, (float[])upstream.Clone(), [], once, Batch, scratch);
        var twice = (float[])once.Clone();
        layer.Backward(parameters, input, output, (float[])upstream.Clone(), [], twice, Batch, scratch);
        for (int i = 0; i < once.Length; i++)
            Assert.Equal(2 * once[i], twice[i], 1e-5f * Math.Max(1, Math.Abs(2 * once[i])));
    }

    /// <summary>BackwardInto (what the network runs) overwrites whatever the buffer held and gives the bits of adding into zeros.</summary>
    [Theory]
    [MemberData(nameof(LayerCases.All), MemberType = typeof(LayerCases))]
    public void BackwardInto_OverwritesParameterGradients_WithTheBitsOfAddingIntoZeros(string network, int layerIndex)
    {
        var (layer, parameters, input, upstream) = LayerCases.Make(network, layerIndex, Batch);
        foreach (int bits in TestUtil.Widths())
        {
            TestUtil.WithWidth(bits, () =>
            {
                var scratch = new float[layer.ScratchSize];
                var output = new float[Batch * layer.OutputShape.Size];
                layer.Forward(parameters, input, output, Batch, scratch);
                var added = new float[parameters.Length];
                var addedInput = new float[input.Length];
                layer.Backward(parameters, input, output, (float[])upstream.Clone(), addedInput, added, Batch, scratch);
                var written = Enumerable.Repeat(float.NaN, parameters.Length).ToArray();
                var writtenInput = new float[input.Length];
                layer.BackwardInto(parameters, input, output, (float[])upstream.Clone(), writtenInput, written, Batch, scratch);
                Assert.True(added.AsSpan().SequenceEqual(written), $"{network} {layer.Name} parameter gradient @{bits}");
                Assert.True(addedInput.AsSpan().SequenceEqual(writtenInput), $"{network} {layer.Name} input gradient @{bits}");
            });
        }
    }
}
