namespace LeNet5.Model;

/// <summary>Temporary.</summary>
public static class Probe
{
    /// <summary>Temporary.</summary>
    public static string Hello() => "hello from " + typeof(Probe).Assembly.GetName().Name;
}
