using LeNet5.Kernels;
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
            foreach (int bits in TestUtil.Widths())
                data.Add(activation, bits);
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
                var expectedY = a.Select(v => ActivationKernels.Reference(activation, v)).ToArray();
                var y = (float[])a.Clone();
                ActivationKernels.Forward(activation, y);
                TestUtil.AssertClose(expectedY, y, 1e-6, $"{activation} forward n={length} @{bits}");

                var expectedGradient = new double[length];
                for (int i = 0; i < length; i++)
                    expectedGradient[i] = gradient[i] * ActivationKernels.ReferenceDerivative(activation, y[i]);
                ActivationKernels.Backward(activation, y, gradient);
                TestUtil.AssertClose(expectedGradient, gradient, 1e-6, $"{activation} backward n={length} @{bits}");
            }
        });
    }

    [Fact]
    public void Squash_HasThePapersConstants()
    {
        // Appendix A: f(1) = 1 and f(-1) = -1 by the choice A = 1.7159, S = 2/3; f'(0) = A·S ≈ 1.1439.
        Assert.Equal(1.0, ActivationKernels.Reference(Activation.ScaledTanh, 1.0), 4);
        Assert.Equal(-1.0, ActivationKernels.Reference(Activation.ScaledTanh, -1.0), 4);
        Assert.Equal(1.7159 * 2 / 3, ActivationKernels.ReferenceDerivative(Activation.ScaledTanh, 0.0), 6);
    }
}
