using LeNet5.Training;

namespace LeNet5.Tests.Training;

public class OptimizerTests
{
    [Fact]
    public void PaperSchedule_IsTheOnePrintedInTheSpec()
    {
        // 0.0005 for 2 passes, 0.0002 for 3, 0.0001 for 3, 0.00005 for 4, then 0.00001.
        float[] expected = [0.0005f, 0.0005f, 0.0002f, 0.0002f, 0.0002f, 0.0001f, 0.0001f, 0.0001f, 0.00005f, 0.00005f, 0.00005f, 0.00005f, 0.00001f, 0.00001f, 0.00001f];
        for (int epoch = 0; epoch < expected.Length; epoch++)
            Assert.Equal(expected[epoch], LearningRateSchedule.Paper.RateAt(epoch));
        Assert.Equal(0.00001f, LearningRateSchedule.Paper.RateAt(19));
        Assert.Equal(0.0001f, LearningRateSchedule.Paper.Scaled(0.5f).RateAt(2), 7);
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(float.NaN));
    }

    [Fact]
    public void WithFirstEpochRate_ReplacesOnlyThePassItNames()
    {
        var warmed = LearningRateSchedule.Paper.WithFirstEpochRate(0.125f);
        Assert.Equal(0.125f, warmed.RateAt(0));
        for (int epoch = 1; epoch < 25; epoch++)
            Assert.Equal(LearningRateSchedule.Paper.RateAt(epoch), warmed.RateAt(epoch));

        // A schedule of one constant rate, and one whose first step lasts a single pass.
        var constant = LearningRateSchedule.Constant(0.5f).WithFirstEpochRate(0.25f);
        Assert.Equal([0.25f, 0.5f, 0.5f], [constant.RateAt(0), constant.RateAt(1), constant.RateAt(2)]);
        var single = new LearningRateSchedule([(1, 3f), (2, 2f)], 1f).WithFirstEpochRate(4f);
        Assert.Equal([4f, 2f, 2f, 1f], [single.RateAt(0), single.RateAt(1), single.RateAt(2), single.RateAt(3)]);
    }

    [Fact]
    public void PaperClassicSchedule_IsThePrintedOneScaled_WithAGentlerFirstPass()
    {
        float[] printed = [0.0005f, 0.0005f, 0.0002f, 0.0002f, 0.0002f, 0.0001f, 0.0001f, 0.0001f, 0.00005f, 0.00005f, 0.00005f, 0.00005f, 0.00001f];
        var schedule = TrainingOptions.PaperClassic.Schedule;
        Assert.Equal(printed[0] * TrainingOptions.PaperFirstPassRateScale, schedule.RateAt(0), 1e-12f);
        for (int epoch = 1; epoch < 20; epoch++)
            Assert.Equal(printed[Math.Min(epoch, printed.Length - 1)] * TrainingOptions.PaperRateScale, schedule.RateAt(epoch), 1e-12f);
    }

    [Fact]
    public void DiagonalLevenbergMarquardt_StepsByEtaOverMuPlusH()
    {
        var sdlm = new DiagonalLevenbergMarquardt(3, mu: 0.02f);
        sdlm.SetCurvature([0f, 0.08f, 1.98f]);
        float[] parameters = [1, 1, 1];
        sdlm.Step(parameters, [1, 2, -4], 0.01f);
        Assert.Equal(1 - (0.01f / 0.02f * 1), parameters[0], 6);
        Assert.Equal(1 - (0.01f / 0.1f * 2), parameters[1], 6);
        Assert.Equal(1 + (0.01f / 2f * 4), parameters[2], 6);
    }

    [Fact]
    public void SgdMomentum_AccumulatesVelocity()
    {
        var sgd = new SgdMomentum(1, momentum: 0.5f);
        float[] w = [0];
        sgd.Step(w, [1], 0.1f); // v = -0.1
        sgd.Step(w, [1], 0.1f); // v = -0.05 - 0.1 = -0.15
        Assert.Equal(-0.25f, w[0], 6);
    }

    [Fact]
    public void Adam_FirstStepIsTheLearningRateTimesTheSign()
    {
        // With bias correction, m̂ = g and v̂ = g², so the first step is -η·g/(|g| + ε).
        var adam = new Adam(2);
        float[] w = [1, 1];
        adam.Step(w, [3, -0.5f], 0.01f);
        Assert.Equal(0.99f, w[0], 5);
        Assert.Equal(1.01f, w[1], 5);
    }

    [Fact]
    public void Options_RejectImpossibleValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Epochs = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { BatchSize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Threads = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Mu = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Momentum = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Distortion = DistortionOptions.Default with { MaxScale = -1 } }.Validate());
    }
}
