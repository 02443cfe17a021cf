using System.CommandLine;
using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist.Plots;

/// <summary>
/// The pictures <c>train</c> and <c>eval</c> write into <c>--plots DIR</c> (default: <c>&lt;model&gt;.plots</c> beside the
/// model; <c>--no-plots</c> for none), and where <c>train</c> keeps its per-pass figures.
/// </summary>
internal static class PlotSet
{
    public const string LearningCurveFile = "learning-curve.png";
    public const string ConfusionFile = "confusion-matrix.png";
    public const string KernelsFile = "c1-kernels.png";
    public const string FeatureMapsFile = "feature-maps.png";
    public const string PrototypesFile = "rbf-prototypes.png";
    public const string MistakesFile = "mistakes.png";

    /// <summary>Mistakes shown in <see cref="MistakesFile"/>.</summary>
    public const int Mistakes = 24;

    /// <summary>The test image whose feature maps are drawn.</summary>
    public const int FeatureMapsImage = 0;

    public static Option<DirectoryInfo?> DirectoryOption() => new("--plots")
    {
        Description = "Folder for the pictures (learning curve, confusion matrix, C1 kernels, feature maps, RBF prototypes, mistakes); default <model>.plots beside the model.",
    };

    public static Option<bool> DisableOption() => new("--no-plots") { Description = "Write no pictures." };

    /// <summary>The folder chosen by the options (created now, so that a folder that cannot be made fails before any work), or null for none.</summary>
    public static string? Prepare(ParseResult result, Option<DirectoryInfo?> plots, Option<bool> noPlots, string modelPath)
    {
        DirectoryInfo? chosen = result.GetValue(plots);
        if (result.GetValue(noPlots))
        {
            return chosen is null ? null : throw new ArgumentException("--plots and --no-plots contradict each other; give one.");
        }
        string directory = chosen?.FullName ?? DefaultDirectory(modelPath);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--plots {directory}: cannot create the folder ({e.Message.TrimEnd('.')}).", e);
        }
        return directory;
    }

    /// <summary><c>m.safetensors</c> → <c>m.plots</c>, beside it.</summary>
    public static string DefaultDirectory(string modelPath) => Path.ChangeExtension(Path.GetFullPath(modelPath), ".plots");

    /// <summary><c>m.safetensors</c> → <c>m.metrics.csv</c>, beside it.</summary>
    public static string MetricsPath(string modelPath) => Path.ChangeExtension(Path.GetFullPath(modelPath), ".metrics.csv");

    /// <summary>Says where the pictures are, on standard output unless <paramref name="to"/> is given.</summary>
    public static void Report(string directory, IReadOnlyList<string> files, TextWriter? to = null)
        => (to ?? Console.Out).WriteLine($"pictures written to {directory}{Path.DirectorySeparatorChar}: {string.Join(", ", files)}");

    /// <summary>Writes every picture that applies (the learning curve when <paramref name="metrics"/> are given, the prototypes for Classic); returns the file names.</summary>
    public static IReadOnlyList<string> Write(string directory, LeNet5Network network, MnistDataset test, EvaluationResult evaluation,
        IReadOnlyList<EpochMetrics>? metrics, int trainingImages = 0)
    {
        var written = new List<string>();
        void Save(string name, byte[] png)
        {
            AtomicFile.WriteAllBytes(Path.Combine(directory, name), png);
            written.Add(name);
        }

        bool classic = network.Definition.Architecture == Architecture.Classic;
        if (metrics is { Count: > 0 })
        {
            Save(LearningCurveFile, LearningCurve.Render(metrics, classic ? "MAP" : "cross-entropy",
                trainingImages > TrainingMetrics.TrainErrorImages ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"training error (%, first {TrainingMetrics.TrainErrorImages:N0} images)") : "training error (%)"));
        }

        Save(ConfusionFile, Pictures.Confusion(evaluation));
        Save(KernelsFile, Pictures.C1Kernels(network));
        if (test.Count > FeatureMapsImage)
            Save(FeatureMapsFile, Pictures.FeatureMaps(network, test, FeatureMapsImage));
        if (classic)
            Save(PrototypesFile, Pictures.Prototypes(network));
        Save(MistakesFile, Pictures.Mistakes(test, evaluation.MostConfidentMistakes.Take(Mistakes).ToArray(), network.Definition.Architecture));
        return written;
    }
}
