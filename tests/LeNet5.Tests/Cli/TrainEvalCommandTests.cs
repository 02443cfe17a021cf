using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Serialization;

namespace LeNet5.Tests.Cli;

/// <summary><c>lenet5 train</c> and <c>lenet5 eval</c> on real MNIST digits (the committed subset), kept to a few hundred images.</summary>
[Trait("Category", "Slow")]
public sealed class TrainEvalCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-cli-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Train_ThenEval_OnAFewImages()
    {
        string model = Path.Combine(_folder, "model.safetensors");
        var train = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "2", "--train-limit", "300", "--test-limit", "200", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        string[] epochs = train.Output.Split('\n').Where(l => l.StartsWith("epoch", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, epochs.Length);
        Assert.Contains("test error", epochs[1], StringComparison.Ordinal);
        Assert.Contains("images/s", epochs[1], StringComparison.Ordinal);
        Assert.True(File.Exists(model));

        var eval = Lenet5Process.Run("eval", "--model", model, "--data", TestPaths.MnistSubsetDirectory, "--test-limit", "200");
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains("test error", eval.Output, StringComparison.Ordinal);
        Assert.Contains("of 200", eval.Output, StringComparison.Ordinal);
        Assert.Contains("confusion matrix", eval.Output, StringComparison.Ordinal);

        // The checkpoint continues: two more passes to 4.
        var resumed = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "4", "--train-limit", "300", "--test-limit", "200", "--out", model, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(["epoch  3/4", "epoch  4/4"], resumed.Output.Split('\n').Where(l => l.StartsWith("epoch", StringComparison.Ordinal)).Select(l => l[..10]));
    }

    [Fact]
    public void Train_Modern_WithReluAndMaxPooling_WritesThatNetwork()
    {
        string model = Path.Combine(_folder, "relu-max.safetensors");
        var train = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--arch", "modern", "--activation", "relu", "--pooling", "max",
            "--epochs", "1", "--train-limit", "200", "--test-limit", "50", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.StartsWith("LeNet-5 Modern (ReLU, max pooling)", train.Output, StringComparison.Ordinal);
        Assert.Equal(NetworkDefinition.Modern(Activation.ReLU, Pooling.Max), ModelFile.Load(model).Definition);
    }

    /// <summary>SDLM at a minibatch takes the paper's one-pattern steps once per batch: the run goes on, with a note saying what to do.</summary>
    [Fact]
    public void SdlmAtAMinibatch_TrainsWithANote_AndNoteLessWhereItDoesNotApply()
    {
        string[] common = ["train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "64", "--test-limit", "20", "--no-plots"];
        var batched = Lenet5Process.Run([.. common, "--batch-size", "8", "--out", Path.Combine(_folder, "b8.safetensors")]);
        Assert.True(batched.ExitCode == 0, batched.Error);
        Assert.Contains("--batch-size 8", batched.Error, StringComparison.Ordinal);
        Assert.Contains("--lr-scale", batched.Error, StringComparison.Ordinal);

        var scaled = Lenet5Process.Run([.. common, "--batch-size", "8", "--lr-scale", "4", "--out", Path.Combine(_folder, "b8-scaled.safetensors")]);
        Assert.True(scaled.ExitCode == 0, scaled.Error);
        Assert.DoesNotContain("note:", scaled.Error, StringComparison.Ordinal);
        var single = Lenet5Process.Run([.. common, "--out", Path.Combine(_folder, "b1.safetensors")]);
        Assert.True(single.ExitCode == 0, single.Error);
        Assert.DoesNotContain("note:", single.Error, StringComparison.Ordinal);
        var adam = Lenet5Process.Run([.. common, "--batch-size", "8", "--optimizer", "adam", "--out", Path.Combine(_folder, "adam.safetensors")]);
        Assert.True(adam.ExitCode == 0, adam.Error);
        Assert.DoesNotContain("note:", adam.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ModernOptions_WithClassic_AreOneLine()
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--pooling", "max"), "--arch modern");

    [Fact]
    public void ARunawayLearningRate_StopsWithOneLine_NamingTheEpoch()
    {
        string model = Path.Combine(_folder, "nan.safetensors");
        // Adam's steps are about the learning rate, so 3e35 per step overflows the weights within 2,000 steps.
        var result = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "2000", "--test-limit", "10",
            "--optimizer", "adam", "--lr-scale", "3e38", "--out", model);
        Lenet5Process.AssertCleanFailure(result, "diverged", "epoch 1");
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void ASeedSweep_TrainsEachSeed_AsASingleRunWould_AndSummarises()
    {
        string model = Path.Combine(_folder, "sweep.safetensors");
        string[] common = ["train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "200", "--test-limit", "100"];
        var sweep = Lenet5Process.Run([.. common, "--seeds", "3,5", "--out", model]);
        Assert.True(sweep.ExitCode == 0, sweep.Error);
        string[] rows = File.ReadAllLines(Path.Combine(_folder, "sweep-seeds.csv"));
        Assert.Equal("seed,test_error,train_error,seconds,simd_bits", rows[0]);
        double[] errors = rows[1..].Select(r => double.Parse(r.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(["3", "5"], rows[1..].Select(r => r.Split(',')[0]));
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"test error: mean {errors.Average() * 100:F3} %"), sweep.Output, StringComparison.Ordinal);

        // Seed 5 of the sweep is the model a single run with that seed and one thread writes, bit for bit.
        string single = Path.Combine(_folder, "single.safetensors");
        var run = Lenet5Process.Run([.. common, "--seed", "5", "--threads", "1", "--out", single, "--no-plots"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(ModelFile.Load(single).Parameters.ToArray(), ModelFile.Load(Path.Combine(_folder, "sweep-seed5.safetensors")).Parameters.ToArray());
        Assert.NotEqual(ModelFile.Load(single).Parameters.ToArray(), ModelFile.Load(Path.Combine(_folder, "sweep-seed3.safetensors")).Parameters.ToArray());
        Assert.False(Directory.Exists(Path.Combine(_folder, "sweep.plots")));
    }

    [Fact]
    public void DistortCopies_NeedsDistort_AndWithItTrainsThePapersProtocol()
    {
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--distort-copies", "9"), "--distort-copies", "--distort");
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--distort", "--distort-copies", "100"), "--distort-copies");
        string model = Path.Combine(_folder, "paper.safetensors");
        var run = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "200", "--test-limit", "50",
            "--distort", "--distort-copies", "9", "--no-plots", "--out", model);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("the originals and 9 fixed copies of each", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(model));

        // --distort alone is the paper's protocol too (chosen by measurement over seeds, README); 0 draws afresh.
        string[] small = ["train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--no-plots"];
        string alone = Path.Combine(_folder, "alone.safetensors"), fresh = Path.Combine(_folder, "fresh.safetensors");
        run = Lenet5Process.Run([.. small, "--distort", "--out", alone]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("the originals and 9 fixed copies of each", run.Output, StringComparison.Ordinal);
        run = Lenet5Process.Run([.. small, "--distort", "--distort-copies", "0", "--out", fresh]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("distorted afresh each time", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void PrototypesCodes_TrainsWithTheSeparatedCodes_AndIsRefusedWhereItMeansNothing()
    {
        string model = Path.Combine(_folder, "codes.safetensors");
        var run = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "100", "--test-limit", "50",
            "--prototypes", "codes", "--no-plots", "--out", model);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("separated RBF codes", run.Output, StringComparison.Ordinal);
        Assert.Equal(RbfPrototypes.Codes.ToArray(), ModelFile.Load(model).Prototypes.ToArray());

        string bitmaps = Path.Combine(_folder, "bitmaps.safetensors");
        run = Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "100", "--test-limit", "50",
            "--prototypes", "bitmaps", "--no-plots", "--out", bitmaps);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(RbfPrototypes.Values.ToArray(), ModelFile.Load(bitmaps).Prototypes.ToArray());

        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--arch", "modern", "--prototypes", "codes"), "--prototypes", "modern");
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--out", model, "--resume", "--prototypes", "codes"), "--prototypes", "resumed");
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--prototypes", "hamming"), "--prototypes");
    }

    /// <summary>
    /// Capped, a run uses the narrower width: on a machine with 512-bit vectors a model trained at 256 bits differs from
    /// the 512-bit one (the float sums run in another order), is the same on every run, and is bit for bit the model the
    /// runtime trains when told the machine has no AVX-512 — what an AVX2 machine computes.
    /// </summary>
    [Fact]
    public void TheVectorWidthVariable_GivesTheNarrowerHardwaresModel()
    {
        string[] train = ["train", "--data", TestPaths.MnistSubsetDirectory, "--epochs", "1", "--train-limit", "300", "--test-limit", "50", "--threads", "1", "--no-plots", "--out"];
        float[] Trained(string name, Dictionary<string, string> environment)
        {
            string model = Path.Combine(_folder, name);
            var run = Lenet5Process.RunWith(environment, [.. train, model]);
            Assert.True(run.ExitCode == 0, run.Error);
            return ModelFile.Load(model).Parameters.ToArray();
        }

        var capped = Trained("capped.safetensors", new() { [LeNet5Network.VectorBitsVariable] = "256" });
        Assert.Equal(capped, Trained("again.safetensors", new() { [LeNet5Network.VectorBitsVariable] = "256" }));
        Assert.SkipUnless(LeNet5Network.VectorBits == 512, "the comparison with the runtime's own switch needs AVX-512");
        Assert.NotEqual(Trained("full.safetensors", []), capped);
        Assert.Equal(capped, Trained("no-avx512.safetensors", new() { ["DOTNET_EnableAVX512"] = "0", ["DOTNET_EnableAVX512F"] = "0" }));
    }

    [Theory]
    [InlineData("64")]
    [InlineData("wide")]
    public void ABadVectorWidthVariable_IsOneLine(string value)
        => Lenet5Process.AssertCleanFailure(Lenet5Process.RunWith(new Dictionary<string, string> { [LeNet5Network.VectorBitsVariable] = value }, "summary"),
            LeNet5Network.VectorBitsVariable, "512, 256, 128 or 32");

    [Theory]
    [InlineData("1,,2", "'' is neither")]
    [InlineData("one", "'one' is neither")]
    [InlineData("1,2,1", "twice")]
    [InlineData("4-2", "'4-2' is neither")]
    public void BadSeedLists_AreOneLine(string value, string mention)
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, "--seeds", value), "--seeds", mention);

    [Theory]
    [InlineData("--seed", "2")]
    [InlineData("--resume", null)]
    public void SeedsWithASingleRunsOption_AreOneLine(string option, string? value)
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run(value is null
            ? ["train", "--data", TestPaths.MnistSubsetDirectory, "--seeds", "1,2", option]
            : ["train", "--data", TestPaths.MnistSubsetDirectory, "--seeds", "1,2", option, value]), "--seeds", option);

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--batch-size", "-3")]
    [InlineData("--threads", "0")]
    [InlineData("--arch", "lenet7")]
    [InlineData("--optimizer", "rmsprop")]
    [InlineData("--activation", "sigmoid")]
    [InlineData("--train-limit", "0")]
    public void BadOptions_AreOneLine(string option, string value)
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run("train", "--data", TestPaths.MnistSubsetDirectory, option, value), value);

    [Fact]
    public void MissingData_Offline_SaysWhatIsMissingAndWhere()
    {
        string empty = Path.Combine(_folder, "no-data");
        // A mirror on a closed local port fails at once, so the test never waits on a network.
        var environment = new Dictionary<string, string> { ["LENET5_MNIST_MIRRORS"] = "http://127.0.0.1:9/" };
        var result = Lenet5Process.RunWith(environment, "eval", "--model", TestUtil.ReferenceData("classic.safetensors"), "--data", empty);
        Assert.NotEqual(0, result.ExitCode);
        string last = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Contains("no-data", last, StringComparison.Ordinal);
        Assert.Contains("t10k-images", last, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
