using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Serialization;
using LeNet5.Training;

namespace LeNet5.Tests.Network;

/// <summary>
/// <see cref="LeNet5Network.Predict(ReadOnlySpan{byte})"/> and <see cref="LeNet5Network.Predict(ReadOnlySpan{float})"/>:
/// the same decision as the batch path, probabilities recomputed here in double, the byte and float paths on real
/// MNIST digits, many threads at once, and one clear message for a wrong length.
/// </summary>
public class SingleImagePredictTests
{
    public static TheoryData<string> Fixtures => new("classic", "modern-tanh-average", "modern-relu-max");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void OneImage_GivesTheBatchDecision_ThePyTorchScores_AndSoftmaxProbabilities(string fixture)
    {
        LeNet5Network network = ModelFile.Load(TestUtil.ReferenceData($"{fixture}.safetensors"));
        var io = SafeTensorsFile.Read(TestUtil.ReferenceData($"{fixture}-io.safetensors"));
        float[] inputs = io["input"].Data.ToArray();
        float[] reference = io["output"].Data.ToArray();
        int count = inputs.Length / LeNet5Network.InputSize;
        var batchDigits = new int[count];
        network.Predict(network.CreateWorkspace(count), inputs, batchDigits);
        bool classic = network.Definition.Architecture == Architecture.Classic;

        for (int b = 0; b < count; b++)
        {
            Prediction prediction = network.Predict(inputs.AsSpan(b * LeNet5Network.InputSize, LeNet5Network.InputSize));
            Assert.Equal(network.Definition.Architecture, prediction.Architecture);
            Assert.Equal(batchDigits[b], prediction.Digit);
            Assert.Equal(10, prediction.Scores.Count);
            TestUtil.AssertClose(TestUtil.ToDouble(reference.AsSpan(b * 10, 10)), prediction.Scores.ToArray(), 1e-4, $"{fixture} image {b} scores");

            // Classic: softmax(−y); Modern: softmax(z); in double here, from the scores, by the textbook formula.
            double[] signed = prediction.Scores.Select(s => classic ? -(double)s : s).ToArray();
            double largest = signed.Max();
            double total = signed.Sum(s => Math.Exp(s - largest));
            double[] expected = signed.Select(s => Math.Exp(s - largest) / total).ToArray();
            TestUtil.AssertClose(expected, prediction.Probabilities.ToArray(), 1e-6, $"{fixture} image {b} probabilities");
            Assert.Equal(1.0, prediction.Probabilities.Sum(p => (double)p), 1e-5);
            Assert.Equal(prediction.Probabilities.Max(), prediction.Confidence);
            Assert.Equal(prediction.Probabilities[prediction.Digit], prediction.Confidence);
        }
    }

    [Fact]
    public void Bytes_28x28_32x32_AndNormalisedFloats_AgreeOnRealDigits()
    {
        LeNet5Network network = ModelFile.Load(TestUtil.ReferenceData("classic.safetensors"));
        byte[] pixels28 = IdxReader.ReadFile<byte>(TestUtil.ReferenceData("mnist-t10k-first8-idx3-ubyte"), out _);
        byte[] pixels32 = IdxReader.ReadFile<byte>(TestUtil.ReferenceData("mnist-t10k-first8-32x32-idx3-ubyte"), out _);
        float[] inputs = SafeTensorsFile.Read(TestUtil.ReferenceData("classic-io.safetensors"))["input"].Data.ToArray();
        for (int b = 0; b < 8; b++)
        {
            Prediction fromFloats = network.Predict(inputs.AsSpan(b * 1024, 1024));
            Prediction from28 = network.Predict(pixels28.AsSpan(b * 784, 784));
            Prediction from32 = network.Predict(pixels32.AsSpan(b * 1024, 1024));
            Assert.Equal(fromFloats.Scores, from28.Scores);
            Assert.Equal(fromFloats.Scores, from32.Scores);
            Assert.Equal(fromFloats.Digit, from28.Digit);
        }
    }

    [Fact]
    public void ATrainedNetwork_ReadsTheSubsetsDigits_ByteAndFloatPathsAgree()
    {
        MnistDataset train = MnistDataset.LoadTraining(TestPaths.MnistSubsetDirectory);
        MnistDataset test = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, 200);
        LeNet5Network network = LeNet5Network.Create(seed: 1);
        using (var trainer = new Trainer(network, TrainingOptions.PaperClassic with { Epochs = 2, Threads = 1, Seed = 1 }))
        {
            trainer.Train(train);
        }

        var input = new float[1024];
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            test.CopyInput(i, input);
            Prediction fromBytes = network.Predict(test.Image(i));
            Prediction fromFloats = network.Predict(input);
            Assert.Equal(fromFloats.Scores, fromBytes.Scores);
            Assert.Equal(fromFloats.Digit, fromBytes.Digit);
            correct += fromBytes.Digit == test.Label(i) ? 1 : 0;
        }

        // Two passes over 2,000 images leave about one digit in eight wrong; chance is nine in ten.
        Assert.True(correct >= 150, $"{correct} of {test.Count} test digits right");
    }

    [Fact]
    public void ManyThreadsAtOnce_GetWhatOneThreadGets()
    {
        LeNet5Network network = LeNet5Network.Create(NetworkDefinition.Modern(), seed: 3);
        MnistDataset test = MnistDataset.LoadTest(TestPaths.MnistSubsetDirectory, 256);
        float[][] sequential = Enumerable.Range(0, test.Count).Select(i => network.Predict(test.Image(i)).Scores.ToArray()).ToArray();
        var parallel = new float[test.Count][];
        Parallel.For(0, test.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = network.Predict(test.Image(i)).Scores.ToArray());
        for (int i = 0; i < test.Count; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(783)]
    [InlineData(785)]
    [InlineData(2 * 784)]
    public void ABadByteLength_IsOneClearMessage(int length)
    {
        var network = LeNet5Network.Create(seed: 1);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => network.Predict(new byte[length]));
        Assert.Equal("image", ex.ParamName);
        Assert.Contains("28×28 (784 bytes) or 32×32 (1024 bytes)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"got {length} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(784)]
    [InlineData(1023)]
    [InlineData(2048)]
    public void ABadFloatLength_IsOneClearMessage(int length)
    {
        var network = LeNet5Network.Create(seed: 1);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => network.Predict(new float[length]));
        Assert.Equal("image", ex.ParamName);
        Assert.Contains("32×32 image (1024 floats)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"got {length} floats", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonFiniteInput_NamesThePixel()
    {
        var network = LeNet5Network.Create(seed: 1);
        var image = new float[1024];
        image[(3 * 32) + 5] = float.NaN;
        ArgumentException ex = Assert.Throws<ArgumentException>(() => network.Predict(image));
        Assert.Contains("row 3, column 5", ex.Message, StringComparison.Ordinal);
    }
}
