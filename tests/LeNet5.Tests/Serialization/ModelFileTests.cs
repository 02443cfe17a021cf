using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Serialization;

namespace LeNet5.Tests.Serialization;

/// <summary>Saving and loading the weights layout (docs/definitions.md): bit-exact round trips, and every way a file can be wrong for a LeNet-5.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenet5-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Definitions => new("Classic", "Modern-Tanh-Average", "Modern-ReLU-Max");

    [Theory]
    [MemberData(nameof(Definitions))]
    public void SaveThenLoad_IsBitExact(string name)
    {
        var network = Layers.LayerCases.Build(name);
        network.Prototypes.Reverse(); // not the built-in bitmaps: the file's prototypes must be the ones loaded
        string path = Path.Combine(_folder, "model.safetensors");
        ModelFile.Save(network, path);
        var loaded = ModelFile.Load(path);
        Assert.Equal(network.Definition, loaded.Definition);
        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(network.Prototypes.ToArray(), loaded.Prototypes.ToArray());
    }

    [Fact]
    public void Classic_File_HasTheSpecLayout()
    {
        string path = Path.Combine(_folder, "classic.safetensors");
        var network = LeNet5Network.Create(seed: 3);
        ModelFile.Save(network, path);
        var document = SafeTensorsFile.Read(path);
        Assert.Equal("Classic", document.Metadata["architecture"]);
        var shapes = document.Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());
        Assert.Equal(new Dictionary<string, int[]>
        {
            ["c1.weight"] = [6, 1, 5, 5], ["c1.bias"] = [6], ["s2.weight"] = [6], ["s2.bias"] = [6],
            ["c3.weight"] = [16, 6, 5, 5], ["c3.bias"] = [16], ["s4.weight"] = [16], ["s4.bias"] = [16],
            ["c5.weight"] = [120, 16, 5, 5], ["c5.bias"] = [120], ["f6.weight"] = [84, 120], ["f6.bias"] = [84],
            ["output.prototypes"] = [10, 84],
        }, shapes);
        // C3 is dense with zeros exactly outside Table I.
        float[] c3 = document["c3.weight"].Data.ToArray();
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                bool connected = ConnectionTable.PaperC3.ConnectionIndex(o, i) >= 0;
                bool allZero = c3.AsSpan(((o * 6) + i) * 25, 25).IndexOfAnyExcept(0f) < 0;
                Assert.Equal(!connected, allZero);
            }
        }
    }

    [Fact]
    public void Modern_File_RecordsActivationAndPooling()
    {
        string path = Path.Combine(_folder, "modern.safetensors");
        ModelFile.Save(LeNet5Network.Create(NetworkDefinition.Modern(Activation.ReLU, Pooling.Max)), path);
        var document = SafeTensorsFile.Read(path);
        Assert.Equal("Modern", document.Metadata["architecture"]);
        Assert.Equal("ReLU", document.Metadata["activation"]);
        Assert.Equal("Max", document.Metadata["pooling"]);
        Assert.Equal([10, 84], document["output.weight"].Shape);
    }

    [Fact]
    public void Load_Rejects_AMissingTensor() => AssertRejected(Edit(drop: "f6.bias"), "f6.bias", "Missing");

    [Fact]
    public void Load_Rejects_AnExtraTensor() => AssertRejected(Edit(add: new SafeTensor("f7.weight", [2], [1, 2])), "f7.weight", "Unexpected");

    [Fact]
    public void Load_Rejects_AMisShapedTensor() => AssertRejected(Edit(replace: new SafeTensor("s2.weight", [3, 2], new float[6])), "s2.weight", "[6]");

    [Fact]
    public void Load_Rejects_C3WeightsOutsideTableI()
    {
        // C3 map 0 does not see S2 map 3 (Table I).
        string path = Edit(mutate: ("c3.weight", data => data[((0 * 6) + 3) * 25 + 7] = 0.5f));
        AssertRejected(path, "c3.weight", "Table I");
    }

    [Fact]
    public void Load_Rejects_ANonFiniteWeight() => AssertRejected(Edit(mutate: ("c5.bias", data => data[17] = float.NaN)), "c5.bias", "NaN");

    [Fact]
    public void Load_Rejects_MissingOrUnknownArchitecture()
    {
        AssertRejected(Edit(metadata: []), null, "architecture");
        AssertRejected(Edit(metadata: new() { ["architecture"] = "LeNet-4" }), null, "LeNet-4");
        AssertRejected(Edit(metadata: new() { ["architecture"] = "Modern", ["activation"] = "Tanh" }), null, "pooling");
        AssertRejected(Edit(metadata: new() { ["architecture"] = "Modern", ["activation"] = "Sigmoid", ["pooling"] = "Max" }), null, "Sigmoid");
    }

    [Fact]
    public void Load_Rejects_ModernTensorsInAClassicFile()
    {
        string path = Path.Combine(_folder, "modern.safetensors");
        ModelFile.Save(LeNet5Network.Create(NetworkDefinition.Modern()), path);
        var document = SafeTensorsFile.Read(path);
        SafeTensorsFile.Write(path, document.Tensors, new Dictionary<string, string> { ["architecture"] = "Classic" });
        Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load(path));
    }

    [Fact]
    public void Load_OfAMissingFile_NamesIt()
    {
        string path = Path.Combine(_folder, "absent.safetensors");
        var e = Assert.ThrowsAny<IOException>(() => ModelFile.Load(path));
        Assert.Contains("absent.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedSave_LeavesTheExistingFileIntact()
    {
        string path = Path.Combine(_folder, "keep.safetensors");
        ModelFile.Save(LeNet5Network.Create(seed: 1), path);
        byte[] before = File.ReadAllBytes(path);
        // A directory where the temporary file would go makes the write fail part-way.
        string blocked = Path.Combine(_folder, "missing-folder", "keep.safetensors");
        Assert.ThrowsAny<IOException>(() => ModelFile.Save(LeNet5Network.Create(seed: 2), blocked));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    private string Edit(string? drop = null, SafeTensor? add = null, SafeTensor? replace = null,
        (string Name, Action<float[]> Change)? mutate = null, Dictionary<string, string>? metadata = null)
    {
        string path = Path.Combine(_folder, $"edited-{Guid.NewGuid():N}.safetensors");
        ModelFile.Save(LeNet5Network.Create(seed: 5), path);
        var document = SafeTensorsFile.Read(path);
        var tensors = new List<SafeTensor>();
        foreach (var tensor in document.Tensors)
        {
            if (tensor.Name == drop)
                continue;
            if (replace is not null && tensor.Name == replace.Name)
            {
                tensors.Add(replace);
                continue;
            }
            float[] data = tensor.Data.ToArray();
            if (mutate is { } m && tensor.Name == m.Name)
                m.Change(data);
            tensors.Add(new SafeTensor(tensor.Name, tensor.Shape.ToArray(), data));
        }
        if (add is not null)
            tensors.Add(add);
        SafeTensorsFile.Write(path, tensors, metadata ?? document.Metadata.ToDictionary());
        return path;
    }

    private static void AssertRejected(string path, string? tensor, string mention)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load(path));
        Assert.Contains(Path.GetFileName(path), e.Message, StringComparison.Ordinal);
        if (tensor is not null)
            Assert.Contains(tensor, e.Message, StringComparison.Ordinal);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }
}
