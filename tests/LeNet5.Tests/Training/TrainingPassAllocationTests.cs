using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Tests.Training;

/// <summary>
/// A whole training pass on one thread — the shuffle (or the paper protocol's pool), the curvature estimate, gathering
/// each batch, the distortions, the gradients and the optimiser's steps — allocates nothing once warm: the trainer keeps
/// its generators and restarts them per pass instead of making new ones.
/// </summary>
public class TrainingPassAllocationTests
{
    public static TheoryData<string, int, int> Cases => new()
    {
        { "classic", 1, -1 },
        { "classic", 1, 0 },
        { "classic", 1, 2 },
        { "modern", 8, -1 },
        { "modern", 8, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ASteadyStatePass_AllocatesNothing(string architecture, int batch, int copies)
    {
        var definition = architecture == "classic" ? NetworkDefinition.Classic : NetworkDefinition.Modern();
        var defaults = architecture == "classic" ? TrainingOptions.PaperClassic : TrainingOptions.ModernDefault;
        var options = defaults with
        {
            Epochs = 100,
            BatchSize = batch,
            Threads = 1,
            Seed = 5,
            CurvatureSamples = 8,
            Distortion = copies < 0 ? null : DistortionOptions.Default with { Copies = copies },
        };
        var data = new SyntheticImages(48, seed: 2);
        using var trainer = new Trainer(LeNet5Network.Create(definition, seed: 5), options);
        int epoch = 0;
        for (; epoch < 3; epoch++)
            trainer.RunEpoch(data, epoch, null, default);
        var passes = TestUtil.BytesPerRoundOnceWarm(() => trainer.RunEpoch(data, epoch++, null, default));
        Assert.True(passes[^1] == 0, $"{architecture} batch {batch} copies {copies}: bytes per pass: {string.Join(", ", passes)}");
    }
}
