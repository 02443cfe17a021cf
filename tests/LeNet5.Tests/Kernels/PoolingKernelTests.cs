using LeNet5.Kernels;

namespace LeNet5.Tests.Kernels;

/// <summary>
/// The 2×2 window kernels against their definitions written out one window at a time, bit for bit, at every vector
/// width, on LeNet's shapes (28 and 10 wide, whose rows end in an overlapping vector) and odd ones, with ties, zeros
/// (ReLU maps are full of them) and NaNs.
/// </summary>
[Collection("Simd")]
public class PoolingKernelTests
{
    public static TheoryData<int> Bits => TestUtil.WidthData();

    private static readonly (int Maps, int Height, int Width)[] Shapes = [(6, 28, 28), (16, 10, 10), (3, 2, 2), (2, 4, 6), (5, 6, 34), (1, 2, 36)];

    private static float[] Planes(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            // A third zeros and a few repeated values make ties; the rest random, a few NaNs among them.
            int kind = random.Next(12);
            values[i] = kind < 4 ? 0f : kind < 6 ? 0.5f : kind == 6 && random.Next(8) == 0 ? float.NaN : (float)((random.NextDouble() * 2) - 1);
        }
        return values;
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void Windows_MatchTheirDefinitionsBitForBit(int bits)
    {
        var random = new Random(bits);
        TestUtil.WithWidth(bits, () =>
        {
            foreach (var (maps, height, width) in Shapes)
            {
                int oh = height / 2, ow = width / 2, windows = maps * oh * ow;
                float[] input = Planes(random, maps * height * width);
                float[] gradient = TestUtil.RandomFloats(random, windows);
                float[] scale = TestUtil.RandomFloats(random, maps);
                float[] sums = new float[windows], maxima = new float[windows], routed = new float[input.Length], spread = new float[input.Length];
                float[] expectedSums = new float[windows], expectedMaxima = new float[windows], expectedRouted = new float[input.Length], expectedSpread = new float[input.Length];
                for (int m = 0; m < maps; m++)
                {
                    for (int y = 0; y < oh; y++)
                    {
                        for (int x = 0; x < ow; x++)
                        {
                            int o = (((m * oh) + y) * ow) + x;
                            int a = (((m * height) + (2 * y)) * width) + (2 * x), b = a + 1, c = a + width, d = c + 1;
                            expectedSums[o] = input[a] + input[b] + input[c] + input[d];
                            int best = a;
                            foreach (int i in new[] { b, c, d })
                            {
                                if (input[i] > input[best])
                                    best = i;
                            }
                            expectedMaxima[o] = input[best];
                            expectedRouted[best] = gradient[o];
                            foreach (int i in new[] { a, b, c, d })
                                expectedSpread[i] = scale[m] * gradient[o];
                        }
                    }
                }
                routed.AsSpan().Fill(7f); // every position must be written, the losers with zero
                PoolingKernels.SumWindows(input, maps, height, width, sums);
                PoolingKernels.MaxWindows(input, maps, height, width, maxima);
                PoolingKernels.MaxWindowsBackward(input, gradient, maps, height, width, routed);
                PoolingKernels.SpreadWindows(gradient, scale, maps, height, width, spread);
                string at = $"{maps}×{height}×{width} @{bits}";
                AssertBits(expectedSums, sums, $"sum {at}");
                AssertBits(expectedMaxima, maxima, $"max {at}");
                AssertBits(expectedRouted, routed, $"max backward {at}");
                AssertBits(expectedSpread, spread, $"spread {at}");
            }
        });
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: at {i} expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }
}
