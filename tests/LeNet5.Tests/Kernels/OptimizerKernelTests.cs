using LeNet5.Kernels;
using LeNet5.Training;

namespace LeNet5.Tests.Kernels;

/// <summary>
/// Each optimiser's fused one-pass step against its formula evaluated in double, over three steps, at every vector
/// width and lengths 1–40 (every tail) and the network's 60,000.
/// </summary>
[Collection("Simd")]
public class OptimizerKernelTests
{
    public static TheoryData<int> Bits => TestUtil.WidthData();

    [Theory]
    [MemberData(nameof(Bits))]
    public void FusedSteps_FollowTheirFormulas(int bits)
    {
        var random = new Random(bits);
        TestUtil.WithWidth(bits, () =>
        {
            foreach (int length in Enumerable.Range(1, 40).Append(60_000))
            {
                float[] start = TestUtil.RandomFloats(random, length);
                float[][] gradients = [TestUtil.RandomFloats(random, length), TestUtil.RandomFloats(random, length), TestUtil.RandomFloats(random, length)];
                float[] curvature = TestUtil.RandomFloats(random, length).Select(Math.Abs).ToArray();
                const float Rate = 0.01f, Mu = 0.02f, Momentum = 0.9f;

                // SDLM: w ← w − η·g/(µ + h).
                var sdlm = new DiagonalLevenbergMarquardt(length, Mu);
                sdlm.SetCurvature(curvature);
                float[] w = (float[])start.Clone();
                double[] expected = TestUtil.ToDouble(start);
                foreach (float[] g in gradients)
                {
                    sdlm.Step(w, g, Rate);
                    for (int i = 0; i < length; i++)
                        expected[i] -= Rate * g[i] / ((double)Mu + curvature[i]);
                }
                TestUtil.AssertClose(expected, w, 1e-6, $"sdlm n={length} @{bits}");

                // SGD with momentum: v ← m·v − η·g; w ← w + v.
                var sgd = new SgdMomentum(length, Momentum);
                w = (float[])start.Clone();
                expected = TestUtil.ToDouble(start);
                var velocity = new double[length];
                foreach (float[] g in gradients)
                {
                    sgd.Step(w, g, Rate);
                    for (int i = 0; i < length; i++)
                    {
                        velocity[i] = (Momentum * velocity[i]) - (Rate * (double)g[i]);
                        expected[i] += velocity[i];
                    }
                }
                TestUtil.AssertClose(expected, w, 1e-6, $"sgd n={length} @{bits}");

                // Adam (Kingma and Ba, Algorithm 1) with its bias corrections.
                var adam = new Adam(length);
                w = (float[])start.Clone();
                expected = TestUtil.ToDouble(start);
                var m = new double[length];
                var v = new double[length];
                for (int t = 1; t <= gradients.Length; t++)
                {
                    float[] g = gradients[t - 1];
                    adam.Step(w, g, Rate);
                    for (int i = 0; i < length; i++)
                    {
                        m[i] = (adam.Beta1 * m[i]) + ((1 - (double)adam.Beta1) * g[i]);
                        v[i] = (adam.Beta2 * v[i]) + ((1 - (double)adam.Beta2) * g[i] * g[i]);
                        double mHat = m[i] / (1 - Math.Pow(adam.Beta1, t)), vHat = v[i] / (1 - Math.Pow(adam.Beta2, t));
                        expected[i] -= Rate * mHat / (Math.Sqrt(vHat) + adam.Epsilon);
                    }
                }
                TestUtil.AssertClose(expected, w, 1e-5, $"adam n={length} @{bits}");
            }
        });
    }

    /// <summary>Subnormals (either sign) become zero; zero, the smallest normals, larger values, infinities and NaN stay as they are.</summary>
    [Fact]
    public void FlushSubnormal_ZeroesSubnormalsOnlyAtEveryWidth()
    {
        float smallest = float.Epsilon, largest = BitConverter.Int32BitsToSingle(0x007F_FFFF);
        float[] values = [smallest, -smallest, largest, -largest, 1e-39f, 0f, Simd.MinNormal, -Simd.MinNormal, 1f, -3e-38f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        float[] expected = [0, 0, 0, 0, 0, 0, Simd.MinNormal, -Simd.MinNormal, 1f, -3e-38f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        Assert.True(float.IsSubnormal(largest) && !float.IsSubnormal(Simd.MinNormal) && float.IsSubnormal(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(Simd.MinNormal) - 1)));
        Assert.Equal(expected, Flush<Vec512>(values));
        Assert.Equal(expected, Flush<Vec256>(values));
        Assert.Equal(expected, Flush<Vec128>(values));
        Assert.Equal(expected, Flush<Vec32>(values));
    }

    private static float[] Flush<TVec>(float[] values) where TVec : struct, ISimdVector<TVec>
    {
        // Each value in every lane position, so that no lane is left untested.
        var result = new float[values.Length];
        var lanes = new float[TVec.Count];
        for (int i = 0; i < values.Length; i++)
        {
            for (int lane = 0; lane < TVec.Count; lane++)
            {
                Array.Fill(lanes, 1f);
                lanes[lane] = values[i];
                TVec.Store(TVec.FlushSubnormal(TVec.Load(ref lanes[0], 0)), ref lanes[0], 0);
                if (lane > 0)
                    Assert.Equal(BitConverter.SingleToInt32Bits(result[i]), BitConverter.SingleToInt32Bits(lanes[lane]));
                result[i] = lanes[lane];
            }
        }
        return result;
    }

    /// <summary>
    /// After a gradient of 1 and then zeros, Adam's moments and the momentum decay geometrically; they must reach zero
    /// without passing through subnormals (which cost a microcode assist per instruction on x86), at every width.
    /// </summary>
    [Theory]
    [MemberData(nameof(Bits))]
    public void DecayingOptimizerState_NeverHoldsSubnormals(int bits)
    {
        TestUtil.WithWidth(bits, () =>
        {
            const int Length = 37;
            float[] one = Enumerable.Repeat(1f, Length).ToArray(), zero = new float[Length];
            foreach (Optimizer optimizer in new Optimizer[] { new Adam(Length), new SgdMomentum(Length, 0.9f) })
            {
                float[] w = new float[Length];
                optimizer.Step(w, one, 0.01f);
                int sawDecay = 0;
                for (int step = 0; step < 10_000; step++)
                {
                    optimizer.Step(w, zero, 0.01f);
                    foreach (var (name, state) in optimizer.State)
                    {
                        if (name == "steps")
                            continue;
                        foreach (float x in state)
                        {
                            Assert.False(float.IsSubnormal(x), $"{optimizer.Name} {name} holds the subnormal {x:G9} after {step + 1} zero gradients @{bits}");
                            if (x != 0 && x < 1e-30f)
                                sawDecay++;
                        }
                    }
                }
                // The state did decay through the tiny normal range, so the check above saw the values next to the subnormals.
                Assert.True(sawDecay > 0, $"{optimizer.Name}: the state never came near the subnormals @{bits}");
                Assert.All(w, x => Assert.True(float.IsFinite(x)));
            }
        });
    }
}
