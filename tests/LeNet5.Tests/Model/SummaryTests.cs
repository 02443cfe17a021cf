using System.Text.Json;
using LeNet5.Model;
using LeNet5.Network;

namespace LeNet5.Tests.Model;

public class SummaryTests
{
    // The paper's per-layer figures (Section II-B): name, output, trainable, fixed, connections.
    public static TheoryData<string, int[], int, int, long> PaperTable => new()
    {
        { "C1", [6, 28, 28], 156, 0, 122_304 },
        { "S2", [6, 14, 14], 12, 0, 5_880 },
        { "C3", [16, 10, 10], 1_516, 0, 151_600 },
        { "S4", [16, 5, 5], 32, 0, 2_000 },
        { "C5", [120, 1, 1], 48_120, 0, 48_120 },
        { "F6", [84], 10_164, 0, 10_164 },
        { "Output", [10], 0, 840, 840 },
    };

    [Theory]
    [MemberData(nameof(PaperTable))]
    public void Classic_Layer_MatchesThePaper(string name, int[] output, int trainable, int fixedCount, long connections)
    {
        var layer = LeNet5Network.Create().Summary.Layers.Single(l => l.Name == name);
        Assert.Equal(output, layer.Output);
        Assert.Equal(trainable, layer.Trainable);
        Assert.Equal(fixedCount, layer.Fixed);
        Assert.Equal(connections, layer.Connections);
    }

    [Fact]
    public void Classic_Totals_MatchThePaper()
    {
        var network = LeNet5Network.Create();
        var summary = network.Summary;
        Assert.Equal(["C1", "S2", "C3", "S4", "C5", "F6", "Output"], summary.Layers.Select(l => l.Name));
        Assert.Equal(60_000, summary.Trainable);
        Assert.Equal(840, summary.Fixed);
        Assert.Equal(340_908, summary.Connections);
        Assert.Equal(60_000, network.ParameterCount);
        Assert.Equal(840, network.Prototypes.Length);
    }

    [Theory]
    [InlineData(Activation.Tanh, Pooling.Average)]
    [InlineData(Activation.ReLU, Pooling.Max)]
    public void Modern_Has61706Parameters(Activation activation, Pooling pooling)
    {
        var network = LeNet5Network.Create(NetworkDefinition.Modern(activation, pooling));
        var layers = network.Summary.Layers.ToDictionary(l => l.Name);
        Assert.Equal(156, layers["C1"].Trainable);
        Assert.Equal(0, layers["S2"].Trainable);
        Assert.Equal(2_416, layers["C3"].Trainable);
        Assert.Equal(48_120, layers["C5"].Trainable);
        Assert.Equal(10_164, layers["F6"].Trainable);
        Assert.Equal(850, layers["Output"].Trainable);
        Assert.Equal(61_706, network.Summary.Trainable);
        Assert.Equal(61_706, network.ParameterCount);
        Assert.Equal(0, network.Summary.Fixed);
    }

    [Fact]
    public void Json_HasTheDocumentedShape()
    {
        using var json = JsonDocument.Parse(LeNet5Network.Create().Summary.ToJson());
        var root = json.RootElement;
        Assert.Equal("Classic", root.GetProperty("architecture").GetString());
        var c1 = root.GetProperty("layers")[0];
        Assert.Equal("C1", c1.GetProperty("name").GetString());
        Assert.Equal([6, 28, 28], c1.GetProperty("output").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(156, c1.GetProperty("trainable").GetInt32());
        Assert.Equal(0, c1.GetProperty("fixed").GetInt32());
        Assert.Equal(122_304, c1.GetProperty("connections").GetInt64());
        var totals = root.GetProperty("totals");
        Assert.Equal(60_000, totals.GetProperty("trainable").GetInt32());
        Assert.Equal(840, totals.GetProperty("fixed").GetInt32());
        Assert.Equal(340_908, totals.GetProperty("connections").GetInt64());
    }

    [Fact]
    public void Table_ListsEveryLayerAndTheTotals()
    {
        string table = LeNet5Network.Create().Summary.ToTable();
        Assert.Contains("6@28×28", table, StringComparison.Ordinal);
        Assert.Contains("122,304", table, StringComparison.Ordinal);
        Assert.Contains("340,908", table, StringComparison.Ordinal);
        Assert.Contains("60,000", table, StringComparison.Ordinal);
    }
}
