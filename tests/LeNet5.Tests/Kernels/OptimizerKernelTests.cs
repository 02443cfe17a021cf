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
}
