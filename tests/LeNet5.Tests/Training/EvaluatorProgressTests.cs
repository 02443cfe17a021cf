using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Tests.Training;

public sealed class EvaluatorProgressTests
{
    /// <summary>Collects reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Recorder : IProgress<int>
    {
        public List<int> Reports { get; } = [];

        public void Report(int value) => Reports.Add(value);
    }

    [Theory]
    [InlineData(700, int.MaxValue, 700)]
    [InlineData(700, 300, 300)]
    [InlineData(256, int.MaxValue, 256)]
    [InlineData(5, int.MaxValue, 5)]
    public void Evaluate_ReportsIncreasingCounts_EndingAtTheImagesEvaluated(int images, int limit, int expected)
    {
        var network = LeNet5Network.Create(seed: 3);
        var recorder = new Recorder();

        var result = Evaluator.Evaluate(network, new SyntheticImages(images, seed: 2), limit, keepMistakes: 0, progress: recorder);

        Assert.Equal(expected, result.Count);
        Assert.NotEmpty(recorder.Reports);
        Assert.Equal(expected, recorder.Reports[^1]);
        for (int i = 1; i < recorder.Reports.Count; i++)
            Assert.True(recorder.Reports[i] > recorder.Reports[i - 1], $"report {i} ({recorder.Reports[i]}) does not exceed {recorder.Reports[i - 1]}");
        Assert.All(recorder.Reports, r => Assert.InRange(r, 1, expected));
    }

    [Fact]
    public void Evaluate_WithoutProgress_StillWorks()
    {
        var result = Evaluator.Evaluate(LeNet5Network.Create(seed: 3), new SyntheticImages(20, seed: 2));

        Assert.Equal(20, result.Count);
    }
}
