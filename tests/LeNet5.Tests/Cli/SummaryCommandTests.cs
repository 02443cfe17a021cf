using System.Text.Json;

namespace LeNet5.Tests.Cli;

public class SummaryCommandTests
{
    [Fact]
    public void Summary_PrintsThePapersTable()
    {
        var result = Lenet5Process.Run("summary");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("122,304", result.Output, StringComparison.Ordinal);
        Assert.Contains("1,516", result.Output, StringComparison.Ordinal);
        Assert.Contains("340,908", result.Output, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void SummaryJson_HasTheDocumentedTotals()
    {
        var result = Lenet5Process.Run("summary", "--arch", "classic", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("Classic", json.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("layers").GetArrayLength());
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(60_000, totals.GetProperty("trainable").GetInt32());
        Assert.Equal(840, totals.GetProperty("fixed").GetInt32());
        Assert.Equal(340_908, totals.GetProperty("connections").GetInt64());
    }

    [Fact]
    public void SummaryModern_Has61706Parameters()
    {
        var result = Lenet5Process.Run("summary", "--arch", "modern", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(61_706, json.RootElement.GetProperty("totals").GetProperty("trainable").GetInt32());
    }

    [Theory]
    [InlineData("summary", "--arch", "lenet")]
    [InlineData("summary", "--bogus")]
    [InlineData("frobnicate")]
    public void BadArguments_FailWithOneLine(params string[] arguments)
        => Lenet5Process.AssertCleanFailure(Lenet5Process.Run(arguments));
}
