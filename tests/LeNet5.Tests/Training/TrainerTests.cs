using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Serialization;
using LeNet5.Training;

namespace LeNet5.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TrainingOptions Options(int threads, int batch = 4, int epochs = 2) => new()
    {
        Epochs = epochs,
        BatchSize = batch,
        Threads = threads,
        Seed = 9,
        Schedule = LearningRateSchedule.Paper.Scaled(0.05f),
        CurvatureSamples = 50,
        Distortion = DistortionOptions.Default,
    };

    private static float[] TrainOnce(TrainingOptions options, int images = 120)
    {
        var network = LeNet5Network.Create(seed: 4);
        using var trainer = new Trainer(network, options);
        trainer.Train(new SyntheticImages(images, seed: 1));
        return network.Parameters.ToArray();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 4)]
    [InlineData(2, 7)]
    public void SameSeedAndThreads_GiveBitIdenticalWeights(int threads, int batch)
    {
        float[] first = TrainOnce(Options(threads, batch));
        float[] second = TrainOnce(Options(threads, batch));
        Assert.Equal(first, second);
        Assert.NotEqual(LeNet5Network.Create(seed: 4).Parameters.ToArray(), first);
    }

    [Fact]
    public void ThePapersProtocol_ShowsEveryOriginalAndCopyOncePerRound()
    {
        // Section III-C: a pool of the originals and k distorted copies; k + 1 passes of n patterns show all of it once.
        const int Images = 7, Copies = 2;
        using var trainer = new Trainer(LeNet5Network.Create(seed: 4), Options(1) with { Distortion = DistortionOptions.Default with { Copies = Copies } });
        var rounds = new List<(int Image, int Copy)>[2];
        for (int round = 0; round < 2; round++)
        {
            rounds[round] = [];
            for (int pass = 0; pass <= Copies; pass++)
            {
                trainer.ChoosePoolPatterns(Images, (round * (Copies + 1)) + pass, Copies);
                var (images, copies) = trainer.PassPatterns;
                rounds[round].AddRange(images.Zip(copies));
            }
            var all = Enumerable.Range(0, Images).SelectMany(i => Enumerable.Range(0, Copies + 1).Select(c => (i, c)));
            Assert.Equal(all.Order(), rounds[round].Order());
        }
        Assert.NotEqual(rounds[0], rounds[1]);
    }

    [Fact]
    public void ThePapersProtocol_IsDeterministic_AndDiffersFromFreshDistortions()
    {
        var paper = Options(2, batch: 4, epochs: 2) with { Distortion = DistortionOptions.Paper };
        float[] first = TrainOnce(paper);
        Assert.Equal(first, TrainOnce(paper));
        Assert.NotEqual(TrainOnce(Options(2, batch: 4, epochs: 2)), first);
        Assert.Throws<ArgumentOutOfRangeException>(() => (DistortionOptions.Default with { Copies = -1 }).Validate());
    }

    [Fact]
    public void OneAndTwoThreads_LearnEquallyWell()
    {
        var train = new SyntheticImages(600, seed: 1);
        var test = new SyntheticImages(200, seed: 2);
        double[] errors = new double[2];
        for (int t = 1; t <= 2; t++)
        {
            var network = LeNet5Network.Create(seed: 4);
            using var trainer = new Trainer(network, Options(t, batch: 4, epochs: 3) with { Optimizer = OptimizerKind.Adam, Schedule = LearningRateSchedule.Constant(1e-3f), Distortion = null });
            errors[t - 1] = trainer.Train(train, test)[^1].TestErrorRate!.Value;
        }
        Assert.True(errors[0] < 0.1 && errors[1] < 0.1, $"test errors {errors[0]:P1} (1 thread), {errors[1]:P1} (2 threads)");
        Assert.True(Math.Abs(errors[0] - errors[1]) < 0.05, $"test errors {errors[0]:P1} vs {errors[1]:P1}");
    }

    [Fact]
    public void ResumingFromACheckpoint_EqualsAnUninterruptedRun()
    {
        float[] uninterrupted = TrainOnce(Options(2, epochs: 3));

        string checkpoint = Path.Combine(_folder, "run.safetensors");
        var network = LeNet5Network.Create(seed: 4);
        using (var trainer = new Trainer(network, Options(2, epochs: 1)))
            trainer.Train(new SyntheticImages(120, seed: 1), checkpointPath: checkpoint);
        using var resumed = TrainingCheckpoint.Resume(checkpoint, Options(2, epochs: 3));
        Assert.Equal(1, resumed.CompletedEpochs);
        var reports = resumed.Train(new SyntheticImages(120, seed: 1), checkpointPath: checkpoint);
        Assert.Equal([2, 3], reports.Select(r => r.Epoch));
        Assert.Equal(uninterrupted, resumed.Network.Parameters.ToArray());
        // The last checkpoint is also a model file, holding the final weights.
        Assert.Equal(uninterrupted, ModelFile.Load(checkpoint).Parameters.ToArray());
    }

    [Theory]
    [InlineData(OptimizerKind.SgdMomentum)]
    [InlineData(OptimizerKind.Adam)]
    public void EveryOptimizer_CheckpointsAndResumesExactly(OptimizerKind optimizer)
    {
        TrainingOptions options(int epochs) => Options(1, epochs: epochs) with { Optimizer = optimizer, Schedule = LearningRateSchedule.Constant(optimizer == OptimizerKind.Adam ? 1e-3f : 1e-2f) };
        float[] uninterrupted = TrainOnce(options(2));
        string checkpoint = Path.Combine(_folder, $"{optimizer}.safetensors");
        using (var trainer = new Trainer(LeNet5Network.Create(seed: 4), options(1)))
            trainer.Train(new SyntheticImages(120, seed: 1), checkpointPath: checkpoint);
        using var resumed = TrainingCheckpoint.Resume(checkpoint, options(2));
        resumed.Train(new SyntheticImages(120, seed: 1));
        Assert.Equal(uninterrupted, resumed.Network.Parameters.ToArray());
    }

    [Fact]
    public void ANaNInput_StopsWithTheEpochAndBatch_AndKeepsTheLastCheckpoint()
    {
        string checkpoint = Path.Combine(_folder, "good.safetensors");
        var network = LeNet5Network.Create(seed: 4);
        using (var trainer = new Trainer(network, Options(1, batch: 1, epochs: 1)))
            trainer.Train(new SyntheticImages(30, seed: 1), checkpointPath: checkpoint);
        byte[] before = File.ReadAllBytes(checkpoint);

        using var resumed = TrainingCheckpoint.Resume(checkpoint, Options(1, batch: 1, epochs: 2));
        var e = Assert.Throws<TrainingDivergedException>(() => resumed.Train(new SyntheticImages(30, seed: 1, poisonLast: true), checkpointPath: checkpoint));
        Assert.Equal(2, e.Epoch);
        Assert.InRange(e.Batch, 1, 30);
        Assert.Contains("epoch 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Cancellation_StopsBetweenBatches()
    {
        using var cancel = new CancellationTokenSource();
        var network = LeNet5Network.Create(seed: 4);
        using var trainer = new Trainer(network, Options(1, batch: 1, epochs: 1) with { Distortion = null });
        // The 100th batch read cancels; the batch in hand still completes, then the trainer stops.
        var data = new CancellingImages(new SyntheticImages(500, seed: 1), cancel, afterReads: 100);
        Assert.Throws<OperationCanceledException>(() => trainer.Train(data, cancellationToken: cancel.Token));
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.InRange(data.Reads, 100, 101);
    }

    [Fact]
    public void Resume_RejectsAPlainModelFile_AndAnotherOptimizer()
    {
        string model = Path.Combine(_folder, "model.safetensors");
        ModelFile.Save(LeNet5Network.Create(), model);
        Assert.Throws<SafeTensorsFormatException>(() => TrainingCheckpoint.Resume(model, Options(1)));

        string checkpoint = Path.Combine(_folder, "sdlm.safetensors");
        using (var trainer = new Trainer(LeNet5Network.Create(seed: 4), Options(1, epochs: 1)))
            trainer.Train(new SyntheticImages(20, seed: 1), checkpointPath: checkpoint);
        var e = Assert.Throws<SafeTensorsFormatException>(() => TrainingCheckpoint.Resume(checkpoint, Options(1) with { Optimizer = OptimizerKind.Adam }));
        Assert.Contains("sdlm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_NamesTheBatch_AndCarriesThePreviousPassesTestError()
    {
        var reports = new List<TrainingProgress>();
        var network = LeNet5Network.Create(seed: 4);
        using var trainer = new Trainer(network, Options(threads: 1, batch: 7, epochs: 2));
        var epochs = trainer.Train(new SyntheticImages(100, seed: 1), new SyntheticImages(40, seed: 2), new Collect(reports));

        foreach (int epoch in new[] { 1, 2 })
        {
            var ofEpoch = reports.Where(r => r.Epoch == epoch).ToList();
            Assert.NotEmpty(ofEpoch);
            var last = ofEpoch[^1];
            Assert.Equal((15, 15, 100, 100), (last.Batch, last.Batches, last.Images, last.ImagesPerEpoch));
            Assert.All(ofEpoch, r => Assert.Equal(Math.Min(100, r.Batch * 7), r.Images));
            Assert.All(ofEpoch, r => Assert.Equal(epoch == 1 ? null : epochs[0].TestErrorRate, r.TestErrorRate));
        }
    }

    private sealed class Collect(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    [Fact]
    public void Modern_TrainsWithAdam()
    {
        var network = LeNet5Network.Create(NetworkDefinition.Modern(), seed: 4);
        using var trainer = new Trainer(network, TrainingOptions.ModernDefault with { Epochs = 3, BatchSize = 8, Threads = 2 });
        var reports = trainer.Train(new SyntheticImages(600, seed: 1), new SyntheticImages(200, seed: 2));
        Assert.True(reports[^1].TestErrorRate < 0.1, $"test error {reports[^1].TestErrorRate:P1}");
    }

    [Fact]
    public void RealMnist_ClassicWithSdlm_LearnsFromTheCommittedSubset()
    {
        // The committed subset: 2,000 training images, four passes (the first at the paper's small first-pass rate),
        // one pattern at a time; its 1,000 test images. An untrained network is wrong on ~90 %; seed 1 ends near 7.5 %.
        var train = MnistDataset.LoadTraining(TestPaths.MnistSubsetDirectory);
        var test = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory);
        var network = LeNet5Network.Create(seed: 1);
        var options = TrainingOptions.PaperClassic with { Epochs = 4, Threads = 1, Seed = 1 };
        using var trainer = new Trainer(network, options);
        var reports = trainer.Train(train, test);
        Assert.True(reports[^1].TestErrorRate < 0.11, $"test error {reports[^1].TestErrorRate:P2} after four passes over {train.Count} images");
    }

    [Fact]
    public void RealMnist_ClassicWithSdlm_LearnsFromAFewThousandImages()
    {
        // 5,000 training images of the full set, two passes, one pattern at a time; the first 1,000 test images.
        var train = MnistDataset.LoadTraining(TestPaths.FullMnistDirectory, 5000);
        var test = MnistDataset.LoadTest(TestPaths.FullMnistDirectory, 1000);
        var network = LeNet5Network.Create(seed: 1);
        var options = TrainingOptions.PaperClassic with { Epochs = 2, Threads = 1, Seed = 1 };
        using var trainer = new Trainer(network, options);
        var reports = trainer.Train(train, test);
        Assert.True(reports[^1].TestErrorRate < 0.08, $"test error {reports[^1].TestErrorRate:P2} after two passes over 5,000 images");
    }

    private sealed class CancellingImages(ILabeledImages inner, CancellationTokenSource cancel, int afterReads) : ILabeledImages
    {
        public int Reads { get; private set; }

        public int Count => inner.Count;

        public void CopyInputs(ReadOnlySpan<int> indices, Span<float> destination)
        {
            if (++Reads == afterReads)
                cancel.Cancel();
            inner.CopyInputs(indices, destination);
        }

        public int Label(int index) => inner.Label(index);
    }
}
