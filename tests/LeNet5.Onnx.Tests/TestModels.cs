using System.Collections.Concurrent;
using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Onnx.Tests;

/// <summary>The five networks the library builds, seeded, and each also trained for one pass over the committed MNIST subset.</summary>
internal static class TestModels
{
    private static readonly ConcurrentDictionary<string, Lazy<LeNet5Network>> s_trained = new(StringComparer.Ordinal);
    private static readonly Lazy<MnistDataset> s_test = new(() => MnistDataset.LoadTest(MnistSubsetDirectory));
    private static readonly Lazy<MnistDataset> s_train = new(() => MnistDataset.LoadTraining(MnistSubsetDirectory));

    /// <summary>Classic, then Modern tanh/ReLU × average/max, by name.</summary>
    public static IReadOnlyDictionary<string, NetworkDefinition> Variants { get; } = new Dictionary<string, NetworkDefinition>(StringComparer.Ordinal)
    {
        ["classic"] = NetworkDefinition.Classic,
        ["modern-tanh-average"] = NetworkDefinition.Modern(Activation.Tanh, Pooling.Average),
        ["modern-tanh-max"] = NetworkDefinition.Modern(Activation.Tanh, Pooling.Max),
        ["modern-relu-average"] = NetworkDefinition.Modern(Activation.ReLU, Pooling.Average),
        ["modern-relu-max"] = NetworkDefinition.Modern(Activation.ReLU, Pooling.Max),
    };

    /// <summary>The committed subset of the core tests (first 2,000 training and 1,000 test digits of MNIST), linked into this project.</summary>
    public static string MnistSubsetDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "mnist");

    /// <summary>The first 1,000 MNIST test digits.</summary>
    public static MnistDataset TestImages => s_test.Value;

    public static LeNet5Network Seeded(string variant, int seed = 5) => LeNet5Network.Create(Variants[variant], seed);

    /// <summary>Passes of <see cref="Trained"/> over the 2,000 training digits.</summary>
    public const int TrainingPasses = 3;

    /// <summary>
    /// Three passes over the 2,000 training digits with the library's recipe for the architecture (Modern in minibatches of 16
    /// rather than 64, for more steps), so that activations are realistic: saturating tanh units, dead ReLUs, confident outputs.
    /// </summary>
    public static LeNet5Network Trained(string variant) => s_trained.GetOrAdd(variant, v => new Lazy<LeNet5Network>(() =>
    {
        NetworkDefinition definition = Variants[v];
        LeNet5Network network = LeNet5Network.Create(definition, seed: 1);
        TrainingOptions recipe = definition.Architecture == Architecture.Classic ? TrainingOptions.PaperClassic : TrainingOptions.ModernDefault;
        recipe = recipe with { Epochs = TrainingPasses, Threads = 1, Seed = 1 };
        if (definition.Architecture == Architecture.Modern)
            recipe = recipe with { BatchSize = 16 };
        using var trainer = new Trainer(network, recipe);
        trainer.Train(s_train.Value);
        return network;
    })).Value;

    /// <summary>The network inputs of test digits [first, first + count): count × 1024 normalised floats.</summary>
    public static float[] Inputs(int first, int count)
    {
        var inputs = new float[count * Preprocessing.InputSize];
        TestImages.CopyInputs(Enumerable.Range(first, count).ToArray(), inputs);
        return inputs;
    }
}
