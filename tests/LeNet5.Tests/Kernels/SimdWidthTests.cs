using LeNet5.Kernels;

namespace LeNet5.Tests.Kernels;

/// <summary>LENET5_VECTOR_BITS caps the width the kernels use; it never raises it, and a value it does not know changes nothing.</summary>
public class SimdWidthTests
{
    [Theory]
    [InlineData(512, "256", 256)]
    [InlineData(512, " 128 ", 128)]
    [InlineData(512, "32", 32)]
    [InlineData(256, "512", 256)]
    [InlineData(128, "256", 128)]
    [InlineData(512, null, 512)]
    [InlineData(512, "", 512)]
    [InlineData(256, "64", 256)]
    [InlineData(512, "avx2", 512)]
    public void TheVariable_CapsTheHardwareWidth(int hardware, string? requested, int expected)
        => Assert.Equal(expected, Simd.Cap(hardware, requested));

    [Fact]
    public void TheProcessWidth_IsTheHardwaresUnlessCapped()
        => Assert.Equal(Simd.Cap(Simd.HardwareBits(), Environment.GetEnvironmentVariable(Simd.VectorBitsVariable)), Simd.DetectMaxBits());
}
