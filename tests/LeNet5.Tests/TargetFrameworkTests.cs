namespace LeNet5.Tests;

/// <summary>The tests are built for net10.0 and net8.0; each build must really run on its own runtime.</summary>
public class TargetFrameworkTests
{
    [Fact]
    public void Tests_RunOnTheRuntimeTheyWereBuiltFor()
    {
#if NET10_0_OR_GREATER
        Assert.Equal(10, Environment.Version.Major);
#else
        Assert.Equal(8, Environment.Version.Major);
#endif
    }
}
