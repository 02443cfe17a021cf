using LeNet5.Kernels;
using LeNet5.Layers;
using LeNet5.Model;

namespace LeNet5.Tests.Kernels;

/// <summary>Activations and their derivatives over every length 0–256, at every width, against the double reference.</summary>
[Collection("Simd")]
public class ActivationKernelTests
{
    public static TheoryData<Activation, int> Cases()
    {
        var data = new TheoryData<Activation, int>();
        foreach (var activation in Enum.GetValues<Activation>())
        {
            foreach (int bits in TestUtil.Widths())
                data.Add(activation, bits);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackward_MatchTheReference_ForEveryLength(Activation activation, int bits)
    {
        var random = new Random(bits);
        TestUtil.WithWidth(bits, () =>
        {
            for (int length = 0; length <= 256; length++)
            {
                float[] a = TestUtil.RandomFloats(random, length, 3);
                float[] gradient = TestUtil.RandomFloats(random, length);
                var expectedY = a.Select(v => ReferenceActivation.Forward(activation, v)).ToArray();
                var y = (float[])a.Clone();
                ActivationDispatch.Forward(activation, y);
                TestUtil.AssertClose(expectedY, y, 1e-6, $"{activation} forward n={length} @{bits}");

                var expectedGradient = new double[length];
                for (int i = 0; i < length; i++)
                    expectedGradient[i] = gradient[i] * ReferenceActivation.Derivative(activation, y[i]);
                ActivationDispatch.Backward(activation, y, gradient);
                TestUtil.AssertClose(expectedGradient, gradient, 1e-6, $"{activation} backward n={length} @{bits}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void RationalTanh_IsWithinThreeTenMillionthsOfTanh_AndPropagatesNaN(int bits)
    {
        // Every 2^-12 from -12 to 12 (about 100,000 points), plus the edges of the clamp.
        var points = Enumerable.Range(-12 * 4096, (24 * 4096) + 1).Select(i => i / 4096f).Concat([7.9053f, -7.9054f, 1e-30f, -1e-20f, 0f]).ToArray();
        double worst = 0;
        TestUtil.WithWidth(bits, () =>
        {
            var y = (float[])points.Clone();
            ActivationDispatch.Forward(Activation.Tanh, y);
            for (int i = 0; i < points.Length; i++)
                worst = Math.Max(worst, Math.Abs(y[i] - Math.Tanh(points[i])));

            // NaN stays NaN (a diverging network must still look like one), and so do the infinities for the tanh
            // family (the x·0 term); ReLU keeps +∞ and maps −∞ to 0.
            float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.5f, float.NaN, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, float.NaN];
            foreach (var activation in Enum.GetValues<Activation>())
            {
                var z = (float[])special.Clone();
                ActivationDispatch.Forward(activation, z);
                for (int i = 0; i < z.Length; i++)
                {
                    bool expectNaN = float.IsNaN(special[i]) || (activation != Activation.ReLU && float.IsInfinity(special[i]));
                    Assert.True(expectNaN ? float.IsNaN(z[i]) : float.IsFinite(z[i]) || (activation == Activation.ReLU && float.IsPositiveInfinity(special[i])),
                        $"{activation}({special[i]}) = {z[i]} @{bits}");
                }
            }
        });
        // Without a hardware FMA the multiply-adds round twice (Simd.HardwareFusesMultiplyAdd), which measured 3.6e-7.
        double bound = LeNet5.Kernels.Simd.HardwareFusesMultiplyAdd ? 3e-7 : 4e-7;
        Assert.True(worst <= bound, $"max |tanh error| {worst:G3} @{bits}");
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void AffineForward_IsTheActivationOfScaleTimesValuePlusShift(int bits)
    {
        var random = new Random(bits);
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var activation in Enum.GetValues<Activation>())
            {
                for (int length = 1; length <= 40; length++)
                {
                    float[] a = TestUtil.RandomFloats(random, length, 2);
                    var expected = a.Select(v => ReferenceActivation.Forward(activation, (0.75 * v) - 0.25)).ToArray();
                    ActivationDispatch.AffineForward(activation, a, 0.75f, -0.25f);
                    TestUtil.AssertClose(expected, a, 1e-6, $"{activation} affine n={length} @{bits}");
                }
            }
        });
    }

    /// <summary>
    /// With a unit scale and a zero shift the kernel adds 0 instead of taking a·1 + 0: the same bits for every value, −0
    /// turned into +0 before f (so the squash of −0 is +0) and a NaN kept, at every width and length.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void UnitAffine_HasTheBitsOfTheMultiplyAdd_AndTurnsNegativeZeroPositive(int bits)
    {
        var random = new Random(bits + 7);
        TestUtil.WithWidth(bits, () =>
        {
            float[] special = [-0f, 0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, 1e-38f, -1e-38f];
            for (int length = 1; length <= 40; length++)
            {
                float[] a = TestUtil.RandomFloats(random, length, 4);
                for (int i = 0; i < length; i += 3)
                    a[i] = special[(i / 3) % special.Length];
                var expected = a.Select(v => ActivationKernels.ScaledTanhOp.Invoke(Vec32.MultiplyAdd(Vec32.Broadcast(v), Vec32.Broadcast(1f), Vec32.Zero)))
                    .Select(v => { var one = new float[1]; Vec32.Store(v, ref one[0], 0); return BitConverter.SingleToInt32Bits(one[0]); }).ToArray();
                var y = (float[])a.Clone();
                ActivationDispatch.Forward(Activation.ScaledTanh, y);
                Assert.Equal(expected, y.Select(BitConverter.SingleToInt32Bits).ToArray());
                for (int i = 0; i < length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(a[i]) == BitConverter.SingleToInt32Bits(-0f))
                        Assert.Equal(0, BitConverter.SingleToInt32Bits(y[i]));
                }
            }
        });
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void FourVectorsAtOnce_HaveTheBitsOfOneAtATime(int bits)
    {
        // AffineForward runs four vectors at a time through Invoke4 (RationalTanh4 for the tanh), then one at a time, then
        // the overlapping tail: every element must have the bits of the one-lane path, f(a·scale + shift) or f(a + 0).
        var random = new Random(bits + 11);
        TestUtil.WithWidth(bits, () =>
        {
            float[] special = [-0f, 0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 1e-38f, -7.9f, 8f, -12f, 30f];
            foreach (var activation in new[] { Activation.ScaledTanh, Activation.Tanh, Activation.ReLU })
            {
                foreach (var (scale, shift) in new[] { (1f, 0f), (0.37f, -0.21f) })
                {
                    for (int length = 1; length <= 200; length += length < 70 ? 1 : 13)
                    {
                        float[] a = TestUtil.RandomFloats(random, length, 6);
                        for (int i = 0; i < length; i += 5)
                            a[i] = special[(i / 5) % special.Length];
                        var expected = a.Select(v => Bits32(OneLane(activation, v, scale, shift))).ToArray();
                        var y = (float[])a.Clone();
                        ActivationDispatch.AffineForward(activation, y, scale, shift);
                        Assert.Equal(expected, y.Select(Bits32).ToArray());
                    }
                }
            }
        });
    }

    private static int Bits32(float v) => BitConverter.SingleToInt32Bits(v);

    /// <summary>The one-lane path: f(a + 0) for a unit affine (as the kernels compute it), else f(a·scale + shift).</summary>
    private static float OneLane(Activation activation, float a, float scale, float shift)
    {
        var x = scale == 1f && shift == 0f
            ? Vec32.Add(Vec32.Broadcast(a), Vec32.Zero)
            : Vec32.MultiplyAdd(Vec32.Broadcast(a), Vec32.Broadcast(scale), Vec32.Broadcast(shift));
        var y = activation switch
        {
            Activation.ScaledTanh => ActivationKernels.ScaledTanhOp.Invoke(x),
            Activation.Tanh => ActivationKernels.TanhOp.Invoke(x),
            _ => ActivationKernels.ReLUOp.Invoke(x),
        };
        var one = new float[1];
        Vec32.Store(y, ref one[0], 0);
        return one[0];
    }

    public static TheoryData<int> Bits => TestUtil.WidthData();

    [Fact]
    public void Squash_HasThePapersConstants()
    {
        // Appendix A: f(1) = 1 and f(-1) = -1 by the choice A = 1.7159, S = 2/3; f'(0) = A·S ≈ 1.1439.
        Assert.Equal(1.0, ReferenceActivation.Forward(Activation.ScaledTanh, 1.0), 4);
        Assert.Equal(-1.0, ReferenceActivation.Forward(Activation.ScaledTanh, -1.0), 4);
        Assert.Equal(1.7159 * 2 / 3, ReferenceActivation.Derivative(Activation.ScaledTanh, 0.0), 6);
    }
}
