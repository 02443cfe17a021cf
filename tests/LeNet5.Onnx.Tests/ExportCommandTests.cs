using LeNet5.Network;
using LeNet5.Serialization;
using Microsoft.ML.OnnxRuntime;

namespace LeNet5.Onnx.Tests;

/// <summary><c>lenet5 export --model FILE.safetensors --out FILE.onnx</c>: the file it writes, and one clear line for each bad input.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("classic")]
    [InlineData("modern-relu-max")]
    public void Export_WritesAModelThatOnnxRuntimeRunsAsTheLibraryDoes(string variant)
    {
        LeNet5Network trained = TestModels.Trained(variant);
        string model = Path.Combine(_folder, $"{variant}.safetensors"), onnx = Path.Combine(_folder, $"{variant}.onnx");
        ModelFile.Save(trained, model);
        var result = Lenet5Process.Run("export", "--model", model, "--out", onnx);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        Assert.Contains(onnx, result.Output, StringComparison.Ordinal);
        Assert.Contains("opset 21", result.Output, StringComparison.Ordinal);

        // The file is the exporter's bytes for the network loaded back from the weights file, and nothing else is left beside it.
        LeNet5Network loaded = ModelFile.Load(model);
        Assert.Equal(OnnxExporter.Export(loaded), File.ReadAllBytes(onnx));
        Assert.Equal([$"{variant}.onnx", $"{variant}.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var session = new InferenceSession(onnx);
        float[] inputs = TestModels.Inputs(100, 64);
        Assert.True(OnnxRun.MaxAbsDifference(OnnxRun.Library(loaded, inputs).Scores, OnnxRun.Run(session, inputs).Scores) <= 1e-4);
    }

    [Fact]
    public void AnExistingOutput_IsReplaced()
    {
        string model = SaveSeeded("modern-tanh-average"), onnx = Path.Combine(_folder, "out.onnx");
        File.WriteAllText(onnx, "old");
        Assert.Equal(0, Lenet5Process.Run("export", "--model", model, "--output", onnx).ExitCode);
        Assert.Equal(OnnxExporter.Export(ModelFile.Load(model)), File.ReadAllBytes(onnx));
    }

    [Fact]
    public void AMissingModel_IsAUsageErrorNamingIt()
    {
        string missing = Path.Combine(_folder, "nope.safetensors");
        var result = Lenet5Process.Run("export", "--model", missing, "--out", Path.Combine(_folder, "out.onnx"));
        Lenet5Process.AssertCleanFailure(result, 2, "--model", "nope.safetensors", "no such file");
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void AMalformedModel_IsOneLineNamingIt_AndLeavesTheOutputAlone()
    {
        string model = SaveSeeded("classic");
        string broken = Path.Combine(_folder, "broken.safetensors"), onnx = Path.Combine(_folder, "out.onnx");
        File.WriteAllBytes(broken, File.ReadAllBytes(model)[..5000]);
        File.WriteAllText(onnx, "old");
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("export", "--model", broken, "--out", onnx), 1, "broken.safetensors");
        Assert.Equal("old", File.ReadAllText(onnx));

        string garbage = Path.Combine(_folder, "garbage.safetensors");
        File.WriteAllText(garbage, "this is not a weights file");
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("export", "--model", garbage, "--out", onnx), 1, "garbage.safetensors");
        Assert.Equal("old", File.ReadAllText(onnx));
        Assert.Equal(["broken.safetensors", "classic.safetensors", "garbage.safetensors", "out.onnx"],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnUnsupportedModel_IsOneLineSayingWhy()
    {
        string model = Path.Combine(_folder, "other.safetensors");
        SafeTensorsFile.Write(model, [new SafeTensor("c1.weight", [6, 1, 5, 5], new float[150])], new Dictionary<string, string> { ["architecture"] = "ResNet" });
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("export", "--model", model, "--out", Path.Combine(_folder, "out.onnx")), 1, "other.safetensors", "ResNet");
        Assert.False(File.Exists(Path.Combine(_folder, "out.onnx")));
    }

    [Fact]
    public void AnOutputInAMissingFolder_IsRefusedBeforeAnyWork()
    {
        string onnx = Path.Combine(_folder, "no", "such", "model.onnx");
        var result = Lenet5Process.Run("export", "--model", SaveSeeded("classic"), "--out", onnx);
        Lenet5Process.AssertCleanFailure(result, 2, "--out", "does not exist");
        Assert.DoesNotContain(".tmp", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOutputThatIsAFolder_IsRefused()
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run("export", "--model", SaveSeeded("classic"), "--out", _folder), 2, "--out", "is a folder");

    [Fact]
    public void AMissingOption_IsAUsageError()
    {
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("export", "--model", SaveSeeded("classic")), 2, "--out");
        Lenet5Process.AssertCleanFailure(Lenet5Process.Run("export", "--out", Path.Combine(_folder, "out.onnx")), 2, "--model");
    }

    private string SaveSeeded(string variant)
    {
        string path = Path.Combine(_folder, $"{variant}.safetensors");
        ModelFile.Save(TestModels.Seeded(variant), path);
        return path;
    }
}
