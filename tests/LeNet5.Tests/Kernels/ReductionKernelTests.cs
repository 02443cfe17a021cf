using LeNet5.Kernels;

namespace LeNet5.Tests.Kernels;

/// <summary>
/// Σx, Σx·y and Σ(x − y)² over every length 0–300 at every width, against the sums in double; the partial last vector
/// counts each element once; NaN and infinity reach the result wherever they sit; and the width sets the order.
/// </summary>
[Collection("Simd")]
public class ReductionKernelTests
{
    [Theory]
    [MemberData(nameof(TestUtil.WidthData), MemberType = typeof(TestUtil))]
    public void EachReduction_MatchesTheSumInDouble_ForEveryLength(int bits)
    {
        var random = new Random(bits);
        TestUtil.WithWidth(bits, () =>
        {
            for (int length = 0; length <= 300; length++)
            {
                float[] x = TestUtil.RandomFloats(random, length), y = TestUtil.RandomFloats(random, length);
                double sum = 0, dot = 0, distance = 0, magnitude = 0;
                for (int i = 0; i < length; i++)
                {
                    sum += x[i];
                    dot += (double)x[i] * y[i];
                    distance += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
                    magnitude += Math.Abs(x[i]) + Math.Abs(y[i]);
                }

                // A float sum of n terms is within about n·2⁻²⁴ of the magnitudes' sum; a lane counted twice or
                // dropped would be off by a whole term (about 0.5 on average).
                double tolerance = 1e-6 * (1 + (magnitude * magnitude)) + (length * 1e-7 * (1 + magnitude));
                Assert.True(Math.Abs(sum - ReductionKernels.Sum(x)) <= tolerance, $"sum n={length} @{bits}: {ReductionKernels.Sum(x)} vs {sum}");
                Assert.True(Math.Abs(dot - ReductionKernels.Dot(x, y)) <= tolerance, $"dot n={length} @{bits}: {ReductionKernels.Dot(x, y)} vs {dot}");
                Assert.True(Math.Abs(distance - ReductionKernels.SquaredDistance(x, y)) <= tolerance,
                    $"distance n={length} @{bits}: {ReductionKernels.SquaredDistance(x, y)} vs {distance}");
            }
        });
    }

    /// <summary>Integers sum exactly in float, so any lane counted twice or not at all changes the result.</summary>
    [Theory]
    [MemberData(nameof(TestUtil.WidthData), MemberType = typeof(TestUtil))]
    public void EachElement_IsCountedOnce(int bits)
        => TestUtil.WithWidth(bits, () =>
        {
            for (int length = 0; length <= 300; length++)
            {
                float[] x = Enumerable.Range(1, length).Select(i => (float)i).ToArray();
                float[] ones = Enumerable.Repeat(1f, length).ToArray();
                float[] zeros = new float[length];
                float expected = length * (length + 1) / 2;
                float squares = length * (length + 1) * ((2 * length) + 1) / 6;
                Assert.Equal(expected, ReductionKernels.Sum(x));
                Assert.Equal(expected, ReductionKernels.Dot(x, ones));
                Assert.Equal(squares, ReductionKernels.SquaredDistance(x, zeros));
            }
        });

    [Theory]
    [MemberData(nameof(TestUtil.WidthData), MemberType = typeof(TestUtil))]
    public void NaNAndInfinity_ReachTheResult_WhereverTheySit(int bits)
        => TestUtil.WithWidth(bits, () =>
        {
            foreach (int length in new[] { 1, 3, 7, 17, 25, 84, 100 })
            {
                for (int at = 0; at < length; at++)
                {
                    float[] x = Enumerable.Repeat(0.5f, length).ToArray();
                    float[] y = Enumerable.Repeat(0.25f, length).ToArray();
                    x[at] = float.PositiveInfinity;
                    Assert.Equal(float.PositiveInfinity, ReductionKernels.Sum(x));
                    Assert.Equal(float.PositiveInfinity, ReductionKernels.Dot(x, y));
                    Assert.Equal(float.PositiveInfinity, ReductionKernels.SquaredDistance(x, y));
                    x[at] = float.NaN;
                    Assert.True(float.IsNaN(ReductionKernels.Sum(x)), $"sum n={length} at {at} @{bits}");
                    Assert.True(float.IsNaN(ReductionKernels.Dot(x, y)), $"dot n={length} at {at} @{bits}");
                    Assert.True(float.IsNaN(ReductionKernels.SquaredDistance(x, y)), $"distance n={length} at {at} @{bits}");
                }
            }
        });

    /// <summary>
    /// The width is the order. In 1e8 + 1 + … + 1 (fifteen ones) − 1e8 + 0 + … (32 floats) every 1 added to 1e8 is lost
    /// (a float near 1e8 is a multiple of 8). Scalar, four running sums take every fourth element: the 1e8's sum loses
    /// its three ones, 12 is left. At 256 bits the 1e8's lane meets one 1 before the −1e8: 14. At 512 bits it meets the
    /// −1e8 first: 15. (Every width runs on every machine, emulated where not accelerated, with the same lanes.)
    /// </summary>
    [Theory]
    [InlineData(32, 12f)]
    [InlineData(256, 14f)]
    [InlineData(512, 15f)]
    public void TheWidth_SetsTheSummationOrder(int bits, float expected)
    {
        float[] x = new float[32];
        x[0] = 1e8f;
        x[16] = -1e8f;
        for (int i = 1; i < 16; i++)
            x[i] = 1f;
        float sum = 0;
        TestUtil.WithWidth(bits, () => sum = ReductionKernels.Sum(x));
        Assert.Equal(expected, sum);
    }

    [Fact]
    public void DifferentLengths_AreRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Dot(new float[3], new float[4]));
}
