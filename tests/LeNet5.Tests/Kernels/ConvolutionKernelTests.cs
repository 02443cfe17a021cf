using LeNet5.Kernels;
using LeNet5.Layers;
using LeNet5.Model;

namespace LeNet5.Tests.Kernels;

/// <summary>
/// The convolution kernels against a plain double loop, over output widths 1–40 (every tail case of every
/// vector width: shorter than a vector, exact multiples, one past), kernel sizes 1–5 and a partial table.
/// </summary>
[Collection("Simd")]
public class ConvolutionKernelTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<int> Bits => TestUtil.WidthData();

    [Theory]
    [MemberData(nameof(Bits))]
    public void Correlate_And_Gradients_MatchScalarLoops_ForEveryWidth(int bits)
    {
        var random = new Random(bits);
        var table = ConnectionTable.FromPicture("X . X\nX X .", inputs: 2, outputs: 3);
        var wiring = TableWiring.Forward(table);
        TestUtil.WithWidth(bits, () =>
        {
            foreach (int kernelSize in new[] { 1, 3, 5 })
            {
                for (int outputWidth = 1; outputWidth <= 40; outputWidth++)
                {
                    int outputHeight = 1 + (outputWidth % 3), inputHeight = outputHeight + kernelSize - 1, inputWidth = outputWidth + kernelSize - 1;
                    float[] input = TestUtil.RandomFloats(random, table.Inputs * inputHeight * inputWidth);
                    float[] kernels = TestUtil.RandomFloats(random, table.Connections * kernelSize * kernelSize);
                    float[] bias = TestUtil.RandomFloats(random, table.Outputs);
                    float[] gradient = TestUtil.RandomFloats(random, table.Outputs * outputHeight * outputWidth);
                    var (expectedOutput, expectedKernelGradient, expectedBiasGradient) =
                        Reference(table, input, inputHeight, inputWidth, kernels, kernelSize, bias, gradient);

                    var output = new float[expectedOutput.Length];
                    ConvolutionKernels.Correlate(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output);
                    TestUtil.AssertClose(expectedOutput, output, Tolerance, $"correlate k={kernelSize} w={outputWidth} @{bits}");
                    var activated = new float[expectedOutput.Length];
                    ConvolutionKernels.Correlate<ActivationKernels.ScaledTanhOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, activated);
                    TestUtil.AssertClose(expectedOutput.Select(v => ReferenceActivation.Forward(Activation.ScaledTanh, v)).ToArray(), activated, Tolerance,
                        $"squashed correlate k={kernelSize} w={outputWidth} @{bits}");

                    var kernelGradient = new float[kernels.Length];
                    var biasGradient = new float[bias.Length];
                    ConvolutionKernels.AccumulateGradients(input, inputHeight, inputWidth, gradient, kernelSize, wiring, kernelGradient, biasGradient);
                    TestUtil.AssertClose(expectedKernelGradient, kernelGradient, Tolerance, $"kernel gradient k={kernelSize} w={outputWidth} @{bits}");
                    TestUtil.AssertClose(expectedBiasGradient, biasGradient, Tolerance, $"bias gradient k={kernelSize} w={outputWidth} @{bits}");
                }
            }
        });
    }

    /// <summary>
    /// The row-stride layout the gradient kernels read: every row where the input's row stride puts it, exact zeros in
    /// the gaps between rows even over garbage (the kernels' scratch is not cleared first), and not a float written past
    /// the run. Row widths 1–40 cover rows shorter than, equal to and longer than every width's vector.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void ToRowStride_PlacesRows_ZeroesGaps_AndWritesNothingPastTheRun(int bits)
    {
        var random = new Random(bits + 50);
        TestUtil.WithWidth(bits, () =>
        {
            for (int outputWidth = 1; outputWidth <= 40; outputWidth++)
            {
                foreach (int gap in new[] { 0, 2, 4, 17 })
                {
                    int outputHeight = 1 + (outputWidth % 4), inputWidth = outputWidth + gap, run = ((outputHeight - 1) * inputWidth) + outputWidth;
                    float[] map = TestUtil.RandomFloats(random, outputHeight * outputWidth);
                    float[] wide = Enumerable.Repeat(float.NaN, run + 40).ToArray();
                    ConvolutionKernels.ToRowStride(map, outputHeight, outputWidth, inputWidth, wide.AsSpan(0, run));
                    for (int i = 0; i < run; i++)
                    {
                        int y = i / inputWidth, x = i % inputWidth;
                        float expected = x < outputWidth ? map[(y * outputWidth) + x] : 0f;
                        Assert.True(expected.Equals(wide[i]), $"ow={outputWidth} gap={gap} @{bits}: wide[{i}] = {wide[i]}, expected {expected}");
                    }
                    Assert.All(wide[run..], value => Assert.True(float.IsNaN(value), $"ow={outputWidth} gap={gap} @{bits}: written past the run"));
                }
            }
        });
    }

    /// <summary>
    /// The way back out of the row stride, which the correlations store their results through: every row from where the
    /// input's row stride puts it, nothing from the gaps (they hold NaN, so a float read from one shows), and not a float
    /// written past the map (NaN after it must stay NaN). Row widths 1–40 as above.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void FromRowStride_TakesEveryRow_AndNothingFromTheGaps(int bits)
    {
        var random = new Random(bits + 60);
        TestUtil.WithWidth(bits, () =>
        {
            for (int outputWidth = 1; outputWidth <= 40; outputWidth++)
            {
                foreach (int gap in new[] { 0, 2, 4, 17 })
                {
                    int outputHeight = 1 + (outputWidth % 4), inputWidth = outputWidth + gap, run = ((outputHeight - 1) * inputWidth) + outputWidth;
                    float[] wide = TestUtil.RandomFloats(random, run);
                    for (int i = 0; i < run; i++)
                    {
                        if (i % inputWidth >= outputWidth)
                            wide[i] = float.NaN;
                    }
                    float[] map = Enumerable.Repeat(float.NaN, (outputHeight * outputWidth) + 40).ToArray();
                    ConvolutionKernels.FromRowStride(wide, outputHeight, outputWidth, inputWidth, map.AsSpan(0, outputHeight * outputWidth));
                    for (int i = 0; i < outputHeight * outputWidth; i++)
                    {
                        float expected = wide[((i / outputWidth) * inputWidth) + (i % outputWidth)];
                        Assert.True(expected.Equals(map[i]), $"ow={outputWidth} gap={gap} @{bits}: map[{i}] = {map[i]}, expected {expected}");
                    }
                    Assert.All(map[(outputHeight * outputWidth)..], value => Assert.True(float.IsNaN(value), $"ow={outputWidth} gap={gap} @{bits}: written past the map"));
                }
            }
        });
    }

    /// <summary>
    /// Full tables take the grouped paths: the correlation six targets at a time, the kernel gradient two (three at 512
    /// bits) sharing each input load. 1–13 targets cover every remainder of a group; C1's own shape (1→6, 28×28, 5×5) is
    /// last.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void FullTables_MatchScalarLoops_ForEveryTargetCount(int bits)
    {
        var random = new Random(bits + 100);
        var cases = new List<(int Sources, int Targets, int KernelSize, int OutputHeight, int OutputWidth)>();
        foreach (int sources in new[] { 1, 2, 3 })
        {
            for (int targets = 1; targets <= 13; targets++)
                cases.Add((sources, targets, 1 + (2 * (targets % 3)), 1 + (targets % 4), 3 + (targets * 3 % 29)));
        }
        cases.Add((1, 6, 5, 28, 28));
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var (sources, targets, kernelSize, outputHeight, outputWidth) in cases)
            {
                var table = ConnectionTable.Full(sources, targets);
                var wiring = TableWiring.Forward(table);
                Assert.True(wiring.SharesSources);
                int inputHeight = outputHeight + kernelSize - 1, inputWidth = outputWidth + kernelSize - 1;
                string what = $"full {sources}→{targets} k={kernelSize} {outputHeight}×{outputWidth} @{bits}";
                float[] input = TestUtil.RandomFloats(random, sources * inputHeight * inputWidth);
                float[] kernels = TestUtil.RandomFloats(random, table.Connections * kernelSize * kernelSize);
                float[] bias = TestUtil.RandomFloats(random, targets);
                float[] gradient = TestUtil.RandomFloats(random, targets * outputHeight * outputWidth);
                var (expected, expectedKernelGradient, expectedBiasGradient) = Reference(table, input, inputHeight, inputWidth, kernels, kernelSize, bias, gradient);
                var output = new float[expected.Length];
                ConvolutionKernels.Correlate<ActivationKernels.ReLUOp>(input, inputHeight, inputWidth, kernels, kernelSize, bias, wiring, output);
                TestUtil.AssertClose(expected.Select(v => Math.Max(v, 0)).ToArray(), output, Tolerance, $"correlate {what}");

                var kernelGradient = new float[kernels.Length];
                var biasGradient = new float[bias.Length];
                ConvolutionKernels.AccumulateGradients(input, inputHeight, inputWidth, gradient, kernelSize, wiring, kernelGradient, biasGradient);
                double tolerance = Tolerance * Math.Max(1, outputHeight * outputWidth / 40.0);
                TestUtil.AssertClose(expectedKernelGradient, kernelGradient, tolerance, $"kernel gradient {what}");
                TestUtil.AssertClose(expectedBiasGradient, biasGradient, tolerance, $"bias gradient {what}");
            }
        });
    }

    /// <summary>
    /// The map-lane kernels (maps across the vector lanes) against the same scalar loops: Table I and full tables of
    /// 12 to 20 maps (one or two 16-lane groups), kernel sizes 1, 3, 5 (tap blocks of ten with remainders) and
    /// output widths 1 to 23 (position blocks of ten with remainders).
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void MapLaneKernels_MatchScalarLoops(int bits)
    {
        var random = new Random(bits + 200);
        TestUtil.WithWidth(bits, () =>
        {
            var tables = new[] { ConnectionTable.PaperC3, ConnectionTable.Full(2, 12), ConnectionTable.Full(3, 17), ConnectionTable.Full(1, 20) };
            foreach (var table in tables)
            {
                foreach (int kernelSize in new[] { 1, 3, 5 })
                {
                    for (int outputWidth = 1; outputWidth <= 23; outputWidth += 2 + (kernelSize % 2))
                    {
                        int outputHeight = 1 + (outputWidth % 4), inputHeight = outputHeight + kernelSize - 1, inputWidth = outputWidth + kernelSize - 1;
                        int taps = kernelSize * kernelSize, lanes = MapLaneConvolutionKernels.PaddedTargets(table.Outputs);
                        float[] input = TestUtil.RandomFloats(random, table.Inputs * inputHeight * inputWidth);
                        float[] kernels = TestUtil.RandomFloats(random, table.Connections * taps);
                        float[] bias = TestUtil.RandomFloats(random, table.Outputs);
                        float[] gradient = TestUtil.RandomFloats(random, table.Outputs * outputHeight * outputWidth);
                        var (expectedOutput, expectedKernelGradient, _) = Reference(table, input, inputHeight, inputWidth, kernels, kernelSize, bias, gradient);
                        string what = $"{table.Inputs}→{table.Outputs} k={kernelSize} w={outputWidth} @{bits}";

                        // The layout starts as garbage (NaN): Transpose must write every float of it, zeros where there is no connection.
                        var transposed = Enumerable.Repeat(float.NaN, table.Inputs * taps * lanes).ToArray();
                        int[] grid = TableWiring.ConnectionGrid(table);
                        var moveScratch = new float[MapLaneConvolutionKernels.TransposeScratchSize(taps)];
                        MapLaneConvolutionKernels.Transpose(kernels, grid, table.Inputs, taps, transposed, moveScratch);
                        Assert.Equal(TapMajor(table, kernels, taps, lanes), transposed);
                        // The scratch starts as garbage (NaN): nothing the kernel did not write may reach the output.
                        int scratchSize = MapLaneConvolutionKernels.CorrelateScratchSize(table.Outputs, outputHeight * outputWidth);
                        float[] output = [.. new float[expectedOutput.Length], .. Enumerable.Repeat(12345f, 40)];
                        float[] block = [.. Enumerable.Repeat(float.NaN, scratchSize), .. Enumerable.Repeat(12345f, 40)];
                        MapLaneConvolutionKernels.Correlate<ActivationKernels.IdentityOp>(input, table.Inputs, inputHeight, inputWidth, transposed, kernelSize, bias,
                            output.AsSpan(0, expectedOutput.Length), block.AsSpan(0, scratchSize));
                        TestUtil.AssertClose(expectedOutput, output.AsSpan(0, expectedOutput.Length), Tolerance, $"map-lane correlate {what}");
                        Assert.All(output.AsSpan(expectedOutput.Length).ToArray(), v => Assert.Equal(12345f, v));
                        Assert.All(block.AsSpan(scratchSize).ToArray(), v => Assert.Equal(12345f, v));

                        // The squash applied in the kernel: the same bits as the identity's output squashed in a pass of its own.
                        float[] squashed = [.. new float[expectedOutput.Length], .. Enumerable.Repeat(12345f, 40)];
                        MapLaneConvolutionKernels.Correlate<ActivationKernels.ScaledTanhOp>(input, table.Inputs, inputHeight, inputWidth, transposed, kernelSize, bias,
                            squashed.AsSpan(0, expectedOutput.Length), block.AsSpan(0, scratchSize));
                        var separately = output.AsSpan(0, expectedOutput.Length).ToArray();
                        ActivationKernels.Forward<ActivationKernels.ScaledTanhOp>(separately);
                        Assert.True(separately.AsSpan().SequenceEqual(squashed.AsSpan(0, expectedOutput.Length)), $"map-lane correlate with the squash {what}");
                        Assert.All(squashed.AsSpan(expectedOutput.Length).ToArray(), v => Assert.Equal(12345f, v));

                        // Accumulated twice (two images), then added to a gradient that already holds values.
                        // Exact-length slices of longer arrays (the kernels write through Unsafe.Add): the tails must stay untouched.
                        const float Guard = 12345f;
                        float[] transposedGradient = [.. new float[transposed.Length], .. Enumerable.Repeat(Guard, 40)];
                        // The position-major scratch starts as garbage: the kernel must write every lane a weight's gradient reads.
                        float[] scratch = [.. Enumerable.Repeat(float.NaN, MapLaneConvolutionKernels.GradientScratchSize(table.Outputs, outputHeight * outputWidth)), .. Enumerable.Repeat(Guard, 40)];
                        Span<float> dwt = transposedGradient.AsSpan(0, transposed.Length), positionMajor = scratch.AsSpan(0, scratch.Length - 40);
                        MapLaneConvolutionKernels.AccumulateGradients(input, table.Inputs, inputHeight, inputWidth, gradient, table.Outputs, kernelSize, dwt, positionMajor);
                        MapLaneConvolutionKernels.AccumulateGradients(input, table.Inputs, inputHeight, inputWidth, gradient, table.Outputs, kernelSize, dwt, positionMajor);
                        Assert.All(transposedGradient.AsSpan(transposed.Length).ToArray(), v => Assert.Equal(Guard, v));
                        Assert.All(scratch.AsSpan(scratch.Length - 40).ToArray(), v => Assert.Equal(Guard, v));
                        float[] start = TestUtil.RandomFloats(random, kernels.Length);
                        var kernelGradient = (float[])start.Clone();
                        MapLaneConvolutionKernels.AddTransposed(transposedGradient, grid, table.Inputs, taps, kernelGradient, moveScratch);
                        TestUtil.AssertClose(expectedKernelGradient.Select((v, i) => start[i] + (2 * v)).ToArray(), kernelGradient, Tolerance, $"map-lane kernel gradient {what}");
                    }
                }
            }
        });
    }

    /// <summary>The tap-major layout by its definition: transposed[(s·K² + tap)·P + t] = kernel (s → t)[tap], zero where the table has no such connection.</summary>
    private static float[] TapMajor(ConnectionTable table, float[] kernels, int taps, int lanes)
    {
        var expected = new float[table.Inputs * taps * lanes];
        for (int c = 0; c < table.Connections; c++)
        {
            for (int tap = 0; tap < taps; tap++)
                expected[(((table.InputOfConnection[c] * taps) + tap) * lanes) + table.OutputOfConnection[c]] = kernels[(c * taps) + tap];
        }
        return expected;
    }

    [Fact]
    public void MapLaneTranspose_RejectsAGridOutsideTheKernels()
    {
        int[] grid = TableWiring.ConnectionGrid(ConnectionTable.PaperC3);
        var kernels = new float[ConnectionTable.PaperC3.Connections * 25];
        var transposed = new float[6 * 25 * 16];
        var scratch = new float[MapLaneConvolutionKernels.TransposeScratchSize(25)];
        foreach (int at in new[] { 0, grid.Length - 1 })
        {
            foreach (int value in new[] { ConnectionTable.PaperC3.Connections, -2 })
            {
                int[] bad = (int[])grid.Clone();
                bad[at] = value;
                Assert.Throws<ArgumentOutOfRangeException>(() => MapLaneConvolutionKernels.Transpose(kernels, bad, 6, 25, transposed, scratch));
                Assert.Throws<ArgumentOutOfRangeException>(() => MapLaneConvolutionKernels.AddTransposed(transposed, bad, 6, 25, kernels, scratch));
            }
        }
        Assert.Throws<ArgumentException>(() => MapLaneConvolutionKernels.Transpose(kernels, grid.AsSpan(1).ToArray(), 6, 25, transposed, scratch));
    }

    [Fact]
    public void EveryVectorType_RunsTheSameKernel()
    {
        // Called directly, so each width is exercised whatever MaxBits says (emulated where the hardware lacks it).
        var random = new Random(3);
        var table = ConnectionTable.Full(2, 2);
        var wiring = TableWiring.Forward(table);
        const int Side = 21, KernelSize = 5, OutputSide = Side - KernelSize + 1;
        float[] input = TestUtil.RandomFloats(random, 2 * Side * Side);
        float[] kernels = TestUtil.RandomFloats(random, 4 * 25);
        float[] bias = TestUtil.RandomFloats(random, 2);
        var (expected, _, _) = Reference(table, input, Side, Side, kernels, KernelSize, bias, new float[2 * OutputSide * OutputSide]);
        var output = new float[expected.Length];
        ConvolutionKernels.Correlate<Vec32, ActivationKernels.IdentityOp>(input, Side, Side, kernels, KernelSize, bias, wiring, output);
        TestUtil.AssertClose(expected, output, Tolerance, "Vec32");
        ConvolutionKernels.Correlate<Vec128, ActivationKernels.IdentityOp>(input, Side, Side, kernels, KernelSize, bias, wiring, output);
        TestUtil.AssertClose(expected, output, Tolerance, "Vec128");
        ConvolutionKernels.Correlate<Vec256, ActivationKernels.IdentityOp>(input, Side, Side, kernels, KernelSize, bias, wiring, output);
        TestUtil.AssertClose(expected, output, Tolerance, "Vec256");
        ConvolutionKernels.Correlate<Vec512, ActivationKernels.IdentityOp>(input, Side, Side, kernels, KernelSize, bias, wiring, output);
        TestUtil.AssertClose(expected, output, Tolerance, "Vec512");
    }

    [Fact]
    public void Correlate_RejectsBuffersThatAreTooSmall()
    {
        var wiring = TableWiring.Forward(ConnectionTable.Full(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ConvolutionKernels.Correlate(new float[24], 5, 5, new float[25], 5, new float[1], wiring, new float[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ConvolutionKernels.Correlate(new float[100], 10, 10, new float[25], 5, new float[1], wiring, new float[35]));
    }

    /// <summary>
    /// The input gradient, dL/dx[s][y+ky][x+kx] = Σ over the connections (t, s) of kernel[ky][kx] · dL/da[t][y][x], against that
    /// sum in double: kernel sizes 1–5, output widths 1–40 (every tail of every width), a partial and a full table, the
    /// scratch and the output filled with NaN first so that every float read is one written.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void InputGradient_MatchesTheScatterSum_ForEveryWidth(int bits)
    {
        var random = new Random(100 + bits);
        ConnectionTable[] tables = [ConnectionTable.FromPicture("X . X\nX X .", inputs: 2, outputs: 3), ConnectionTable.Full(3, 2), ConnectionTable.PaperC3];
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var table in tables)
            {
                var transposed = TableWiring.Transposed(table);
                foreach (int kernelSize in new[] { 1, 2, 3, 4, 5 })
                {
                    for (int outputWidth = 1; outputWidth <= 40; outputWidth += table.Outputs > 8 ? 3 : 1)
                    {
                        int outputHeight = 1 + (outputWidth % 4), inputHeight = outputHeight + kernelSize - 1, inputWidth = outputWidth + kernelSize - 1;
                        float[] kernels = TestUtil.RandomFloats(random, table.Connections * kernelSize * kernelSize);
                        float[] gradient = TestUtil.RandomFloats(random, table.Outputs * outputHeight * outputWidth);
                        var expected = new double[table.Inputs * inputHeight * inputWidth];
                        for (int c = 0; c < table.Connections; c++)
                        {
                            int t = table.OutputOfConnection[c], source = table.InputOfConnection[c];
                            for (int y = 0; y < outputHeight; y++)
                            {
                                for (int x = 0; x < outputWidth; x++)
                                {
                                    for (int ky = 0; ky < kernelSize; ky++)
                                    {
                                        for (int kx = 0; kx < kernelSize; kx++)
                                        {
                                            expected[(((source * inputHeight) + y + ky) * inputWidth) + x + kx] +=
                                                (double)kernels[(((c * kernelSize) + ky) * kernelSize) + kx] * gradient[(((t * outputHeight) + y) * outputWidth) + x];
                                        }
                                    }
                                }
                            }
                        }
                        var actual = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                        var scratch = Enumerable.Repeat(float.NaN, ConvolutionKernels.InputGradientScratchSize(table.Outputs, table.Inputs, inputHeight, inputWidth, kernelSize)).ToArray();
                        ConvolutionKernels.InputGradient(gradient, inputHeight, inputWidth, kernels, kernelSize, transposed, actual, scratch);
                        TestUtil.AssertClose(expected, actual, Tolerance, $"input gradient {table.Inputs}→{table.Outputs} k={kernelSize} w={outputWidth} @{bits}");
                    }
                }
            }
        });
    }

    private static (double[] Output, double[] KernelGradient, double[] BiasGradient) Reference(ConnectionTable table, float[] input, int inputHeight, int inputWidth,
        float[] kernels, int k, float[] bias, float[] gradient)
    {
        int oh = inputHeight - k + 1, ow = inputWidth - k + 1;
        var output = new double[table.Outputs * oh * ow];
        var kernelGradient = new double[kernels.Length];
        var biasGradient = new double[bias.Length];
        for (int c = 0; c < table.Connections; c++)
        {
            int i = table.InputOfConnection[c], o = table.OutputOfConnection[c];
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    for (int ky = 0; ky < k; ky++)
                    {
                        for (int kx = 0; kx < k; kx++)
                        {
                            double v = input[(i * inputHeight * inputWidth) + ((y + ky) * inputWidth) + x + kx];
                            output[(o * oh * ow) + (y * ow) + x] += kernels[(c * k * k) + (ky * k) + kx] * v;
                            kernelGradient[(c * k * k) + (ky * k) + kx] += gradient[(o * oh * ow) + (y * ow) + x] * v;
                        }
                    }
                }
            }
        }
        for (int o = 0; o < table.Outputs; o++)
        {
            for (int p = 0; p < oh * ow; p++)
            {
                output[(o * oh * ow) + p] += bias[o];
                biasGradient[o] += gradient[(o * oh * ow) + p];
            }
        }

        return (output, kernelGradient, biasGradient);
    }
}
