using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Tests.Kernels;

/// <summary>
/// The batched dense kernels against plain double loops, at every vector width, over batch sizes on both sides
/// of every register block (1–14 images), input lengths with every tail
/// (1–40 and the network's 84, 120, 400) and output counts that leave a partial panel (1–37, 84, 120).
/// </summary>
[Collection("Simd")]
public class DenseKernelTests
{
    private const double Tolerance = 2e-6;

    public static TheoryData<int> Bits => TestUtil.WidthData();

    [Theory]
    [MemberData(nameof(Bits))]
    public void ForwardAndGradients_MatchDoubleLoops(int bits)
    {
        var random = new Random(bits);
        var shapes = new List<(int Batch, int Inputs, int Outputs)>();
        for (int batch = 1; batch <= 14; batch++)
            shapes.Add((batch, 1 + ((batch * 7) % 40), 1 + ((batch * 11) % 37)));
        for (int inputs = 1; inputs <= 40; inputs++)
            shapes.Add((1 + (inputs % 8), inputs, 1 + (inputs % 35)));
        shapes.AddRange([(1, 400, 120), (7, 400, 120), (64, 400, 120), (5, 120, 84), (64, 120, 84), (1, 84, 10), (9, 84, 10), (64, 84, 10)]);
        // AVX-512's 6×4 blocks with every kind of remainder: rows past a multiple of six, vectors past a multiple of four, a tail.
        shapes.AddRange([(6, 64, 6), (6, 77, 6), (13, 100, 17), (20, 150, 25), (12, 65, 13)]);
        // A lone image's input gradient, six vectors at a time: whole steps, single vectors after them, an overlapping tail.
        shapes.AddRange([(1, 150, 25), (1, 197, 9), (4, 61, 9), (10, 385, 7)]);
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var (batch, inputs, outputs) in shapes)
                Check(random, batch, inputs, outputs, $"B={batch} K={inputs} N={outputs} @{bits}");
        });
    }

    /// <summary>An image's outputs do not depend on the batch around it: alone, first, last or in the middle, bit for bit.</summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void Forward_GivesEachImageTheSameBits_InAnyBatch(int bits)
    {
        var random = new Random(bits + 7);
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var (inputs, outputs) in new[] { (400, 120), (120, 84), (84, 10), (13, 7), (100, 17) })
            {
                const int Batch = 11;
                float[] x = TestUtil.RandomFloats(random, Batch * inputs), w = TestUtil.RandomFloats(random, outputs * inputs), bias = TestUtil.RandomFloats(random, outputs);
                var whole = new float[Batch * outputs];
                DenseKernels.Forward<ActivationKernels.ScaledTanhOp>(x, w, bias, whole, Batch);
                for (int b = 0; b < Batch; b++)
                {
                    for (int size = 1; size <= Batch - b; size += 4)
                    {
                        var part = new float[size * outputs];
                        DenseKernels.Forward<ActivationKernels.ScaledTanhOp>(x.AsSpan(b * inputs, size * inputs), w, bias, part, size);
                        Assert.True(part.AsSpan(0, outputs).SequenceEqual(whole.AsSpan(b * outputs, outputs)), $"image {b} in a batch of {size}, K={inputs} @{bits}");
                    }
                }
            }
        });
    }

    private static void Check(Random random, int batch, int inputs, int outputs, string what)
    {
        float[] x = TestUtil.RandomFloats(random, batch * inputs);
        float[] w = TestUtil.RandomFloats(random, outputs * inputs);
        float[] bias = TestUtil.RandomFloats(random, outputs);
        float[] dy = TestUtil.RandomFloats(random, batch * outputs);
        float[] dwStart = TestUtil.RandomFloats(random, outputs * inputs);
        float[] dbStart = TestUtil.RandomFloats(random, outputs);

        var y = new double[batch * outputs];
        var dx = new double[batch * inputs];
        var dw = dwStart.Select(v => (double)v).ToArray();
        var db = dbStart.Select(v => (double)v).ToArray();
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = bias[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += (double)w[(o * inputs) + i] * x[(b * inputs) + i];
                    dx[(b * inputs) + i] += (double)dy[(b * outputs) + o] * w[(o * inputs) + i];
                    dw[(o * inputs) + i] += (double)dy[(b * outputs) + o] * x[(b * inputs) + i];
                }
                y[(b * outputs) + o] = sum;
                db[o] += dy[(b * outputs) + o];
            }
        }

        // Guard floats past the end: a kernel that writes beyond its output fails the check below.
        const float Guard = 12345f;
        var actualY = Enumerable.Repeat(Guard, (batch * outputs) + 40).ToArray();
        DenseKernels.Forward(x, w, bias, actualY.AsSpan(0, batch * outputs), batch);
        TestUtil.AssertClose(y, actualY.AsSpan(0, batch * outputs), Tolerance * inputs, $"forward {what}");
        Assert.All(actualY.AsSpan(batch * outputs).ToArray(), v => Assert.Equal(Guard, v));

        // The activation applied in registers: the squash of the same sums.
        var squashed = new float[batch * outputs];
        DenseKernels.Forward<ActivationKernels.ScaledTanhOp>(x, w, bias, squashed, batch);
        TestUtil.AssertClose(y.Select(v => ReferenceActivation.Forward(Activation.ScaledTanh, v)).ToArray(), squashed, Tolerance * inputs, $"squashed forward {what}");

        var actualDx = Enumerable.Repeat(Guard, (batch * inputs) + 40).ToArray();
        DenseKernels.InputGradient(w, dy, actualDx.AsSpan(0, batch * inputs), batch, inputs);
        TestUtil.AssertClose(dx, actualDx.AsSpan(0, batch * inputs), Tolerance * outputs, $"input gradient {what}");
        Assert.All(actualDx.AsSpan(batch * inputs).ToArray(), v => Assert.Equal(Guard, v));

        // dW is written through Unsafe.Add: an exact-length slice of a longer array, whose tail must stay untouched.
        float[] actualDw = [.. dwStart, .. Enumerable.Repeat(Guard, 40)], actualDb = dbStart.ToArray();
        DenseKernels.AccumulateGradients(x, dy, actualDw.AsSpan(0, dwStart.Length), actualDb, batch);
        TestUtil.AssertClose(dw, actualDw.AsSpan(0, dwStart.Length), Tolerance * batch, $"weight gradient {what}");
        TestUtil.AssertClose(db, actualDb, Tolerance * batch, $"bias gradient {what}");
        Assert.All(actualDw.AsSpan(dwStart.Length).ToArray(), v => Assert.Equal(Guard, v));

        // Overwriting gives the bits of adding into zeros, whatever the destination held, and still stops at its end.
        float[] intoZeros = new float[dwStart.Length], zeroBias = new float[outputs];
        DenseKernels.AccumulateGradients(x, dy, intoZeros, zeroBias, batch);
        float[] written = [.. Enumerable.Repeat(float.NaN, dwStart.Length), .. Enumerable.Repeat(Guard, 40)];
        float[] writtenBias = Enumerable.Repeat(float.NaN, outputs).ToArray();
        DenseKernels.WriteGradients(x, dy, written.AsSpan(0, dwStart.Length), writtenBias, batch);
        Assert.True(intoZeros.AsSpan().SequenceEqual(written.AsSpan(0, dwStart.Length)), $"written weight gradient {what}");
        Assert.True(zeroBias.AsSpan().SequenceEqual(writtenBias), $"written bias gradient {what}");
        Assert.All(written.AsSpan(dwStart.Length).ToArray(), v => Assert.Equal(Guard, v));
    }

    /// <summary>
    /// The batch-1 backward pass with the SDLM step fused in gives, bit for bit, the input gradient of
    /// <see cref="DenseKernels.InputGradient"/> from the old weights and the weights of <see cref="DenseKernels.WriteGradients"/>
    /// followed by <see cref="OptimizerKernels.DiagonalStep"/>, for inputs with and without an overlapping tail vector and
    /// output counts that leave a short block, and it writes nothing past the layer's parameters or input gradient.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void FusedDiagonalStep_GivesTheBitsOfTheTwoPasses(int bits)
    {
        const float Guard = 12345f;
        var random = new Random(bits + 31);
        var shapes = new List<(int Inputs, int Outputs)> { (400, 120), (120, 84), (84, 10), (1, 1), (17, 3), (50, 7), (33, 5), (64, 9), (97, 2) };
        for (int inputs = 1; inputs <= 40; inputs += 3)
            shapes.Add((inputs, 1 + (inputs % 6)));
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var (inputs, outputs) in shapes)
            {
                string what = $"K={inputs} N={outputs} @{bits}";
                float[] x = TestUtil.RandomFloats(random, inputs), dy = TestUtil.RandomFloats(random, outputs);
                float[] parameters = TestUtil.RandomFloats(random, (inputs * outputs) + outputs);
                float[] rates = TestUtil.RandomFloats(random, parameters.Length, 40).Select(Math.Abs).ToArray();
                const float Eta = 0.01f;

                // The two passes: the gradient stored, the input gradient from the old weights, then the step.
                float[] expected = parameters.ToArray(), gradient = new float[parameters.Length], expectedDx = new float[inputs];
                DenseKernels.WriteGradients(x, dy, gradient.AsSpan(0, inputs * outputs), gradient.AsSpan(inputs * outputs), 1);
                DenseKernels.InputGradient(expected.AsSpan(0, inputs * outputs), dy, expectedDx, 1, inputs);
                OptimizerKernels.DiagonalStep(expected, gradient, rates, Eta);

                float[] actual = [.. parameters, .. Enumerable.Repeat(Guard, 20)];
                float[] actualDx = [.. Enumerable.Repeat(float.NaN, inputs), .. Enumerable.Repeat(Guard, 20)];
                DenseKernels.DiagonalStepWithInputGradient(actual.AsSpan(0, parameters.Length), x, dy, actualDx.AsSpan(0, inputs), rates, Eta);
                Assert.True(expected.AsSpan().SequenceEqual(actual.AsSpan(0, parameters.Length)), $"stepped parameters {what}");
                Assert.True(expectedDx.AsSpan().SequenceEqual(actualDx.AsSpan(0, inputs)), $"input gradient {what}");
                Assert.All(actual.AsSpan(parameters.Length).ToArray(), v => Assert.Equal(Guard, v));
                Assert.All(actualDx.AsSpan(inputs).ToArray(), v => Assert.Equal(Guard, v));

                // Without an input gradient (a first layer) the step is the same.
                float[] alone = parameters.ToArray();
                DenseKernels.DiagonalStepWithInputGradient(alone, x, dy, default, rates, Eta);
                Assert.True(expected.AsSpan().SequenceEqual(alone), $"stepped parameters without dX {what}");
            }
        });
    }
}
