using LeNet5.Data;

namespace LeNet5.Tests.Data;

public class DataDirectoryTests
{
    [Fact]
    public void ExplicitFolderWinsThenTheVariableThenTheCache()
    {
        var environment = new Dictionary<string, string?> { ["LENET5_DATA"] = "/env/data", ["HOME"] = "/home/u", ["XDG_CACHE_HOME"] = null };
        Func<string, string?> lookup = n => environment.GetValueOrDefault(n);

        Assert.Equal(Path.GetFullPath("/given"), DataDirectory.Resolve("/given", lookup));
        Assert.Equal("from --data", DataDirectory.Origin("/given", lookup, "--data"));
        Assert.Equal(Path.GetFullPath("/env/data"), DataDirectory.Resolve(null, lookup));
        Assert.Equal("from LENET5_DATA", DataDirectory.Origin(null, lookup));

        environment["LENET5_DATA"] = " ";
        string cache = DataDirectory.Resolve(null, lookup);
        Assert.Contains("per-user cache", DataDirectory.Origin("", lookup), StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("/home/u/.cache/lenet5/mnist", cache);
            environment["XDG_CACHE_HOME"] = "/xdg";
            Assert.Equal("/xdg/lenet5/mnist", DataDirectory.Resolve(null, lookup));
        }
    }
}
