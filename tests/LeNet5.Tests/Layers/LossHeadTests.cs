using LeNet5.Layers;

namespace LeNet5.Tests.Layers;

public class LossHeadTests
{
    [Fact]
    public void MapLoss_IsEquation9()
    {
        double[] y = [5, 0.5, 7, 3, 9, 11, 2, 8, 6, 4];
        const double J = 2;
        double expected = y[1] + Math.Log(Math.Exp(-J) + y.Sum(v => Math.Exp(-v)));
        var loss = new MapLoss(J);
        Assert.Equal(expected, loss.LossReference(y, 1, new double[10]), 12);
        Assert.Equal(expected, loss.Loss(y.Select(v => (float)v).ToArray(), 1, new float[10]), 5);
        Assert.Equal(1, loss.Predict(y.Select(v => (float)v).ToArray()));
    }

    [Fact]
    public void MapLoss_StaysFinite_ForHugePenalties()
    {
        float[] y = Enumerable.Repeat(5000f, 10).ToArray();
        var gradient = new float[10];
        float e = new MapLoss(1).Loss(y, 3, gradient);
        Assert.True(float.IsFinite(e));
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(5000 - 1, e, 2); // log(e^-1 + 10 e^-5000) = -1
    }

    [Fact]
    public void SoftmaxCrossEntropy_IsMinusLogSoftmax()
    {
        double[] z = [1, 2, 3, -1, 0, 0.5, 4, 2, 1, 0];
        double expected = Math.Log(z.Sum(Math.Exp)) - z[6];
        var loss = new SoftmaxCrossEntropyLoss();
        Assert.Equal(expected, loss.LossReference(z, 6, new double[10]), 12);
        Assert.Equal(expected, loss.Loss(z.Select(v => (float)v).ToArray(), 6, new float[10]), 5);
        Assert.Equal(6, loss.Predict(z.Select(v => (float)v).ToArray()));
        Assert.True(float.IsFinite(loss.Loss(Enumerable.Repeat(1e30f, 10).ToArray(), 0, new float[10])));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void MapLoss_RejectsABadConstant(double j) => Assert.Throws<ArgumentOutOfRangeException>(() => new MapLoss(j));

    [Fact]
    public void Gradients_MatchFiniteDifferences_AndTheFloatPath()
    {
        ILossHead[] heads = [new MapLoss(1.5), new SoftmaxCrossEntropyLoss()];
        double[] output = [3, 0.2, 7, 1.5, 9, 0.9, 2, 8, 6, 4];
        foreach (var head in heads)
        {
            for (int label = 0; label < 10; label++)
            {
                var gradient = new double[10];
                head.LossReference(output, label, gradient);
                double[] values = (double[])output.Clone();
                int captured = label;
                LayerGradientTests.CheckAgainstFiniteDifferences(values, gradient, () => head.LossReference(values, captured, new double[10]), new Random(1), head.GetType().Name);
                var gradientF = new float[10];
                head.Loss(output.Select(v => (float)v).ToArray(), label, gradientF);
                TestUtil.AssertClose(gradient, gradientF, 1e-6, head.GetType().Name);
            }
        }
    }
}
