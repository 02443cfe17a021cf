namespace LeNet5.Data;

/// <summary>
/// Where the data lives: the folder given explicitly (the command line's <c>--data DIR</c>, say), else the environment variable
/// <c>LENET5_DATA</c>, else a per-user cache folder (<c>$XDG_CACHE_HOME/lenet5/mnist</c> or
/// <c>~/.cache/lenet5/mnist</c>; <c>%LOCALAPPDATA%\lenet5\mnist</c> on Windows; <c>~/Library/Caches/lenet5/mnist</c>
/// on macOS).
/// </summary>
public static class DataDirectory
{
    /// <summary>The environment variable naming the data folder.</summary>
    public const string EnvironmentVariable = "LENET5_DATA";

    /// <summary>The data folder: <paramref name="explicitDirectory"/>, else <c>LENET5_DATA</c>, else the cache.</summary>
    /// <param name="explicitDirectory">The folder the user named, or null.</param>
    /// <returns>A full path (which may not exist yet).</returns>
    public static string Resolve(string? explicitDirectory) => Resolve(explicitDirectory, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Resolve(string?)"/>, reading the environment through <paramref name="environment"/>.</summary>
    /// <param name="explicitDirectory">The folder the user named, or null.</param>
    /// <param name="environment">Returns an environment variable's value, or null.</param>
    /// <returns>A full path (which may not exist yet).</returns>
    public static string Resolve(string? explicitDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        string? variable = environment(EnvironmentVariable);
        return !string.IsNullOrWhiteSpace(variable) ? Path.GetFullPath(variable) : DefaultDirectory(environment);
    }

    /// <summary>Says where <see cref="Resolve(string?, Func{string, string?})"/> took the folder from.</summary>
    /// <param name="explicitDirectory">The folder the user named, or null.</param>
    /// <param name="environment">Returns an environment variable's value, or null; the process's when null.</param>
    /// <param name="explicitSource">
    /// How the user names the folder, as the caller shows it: a command line passes its option, such as "--data".
    /// </param>
    /// <returns>
    /// For example "from --data", "from LENET5_DATA" or "the per-user cache; neither --data nor LENET5_DATA is set"
    /// (with <paramref name="explicitSource"/> "--data").
    /// </returns>
    public static string Origin(string? explicitDirectory, Func<string, string?>? environment = null, string explicitSource = "an explicit folder")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(explicitSource);
        environment ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return $"from {explicitSource}";
        }

        return !string.IsNullOrWhiteSpace(environment(EnvironmentVariable))
            ? $"from {EnvironmentVariable}"
            : $"the per-user cache; neither {explicitSource} nor {EnvironmentVariable} is set";
    }

    /// <summary>The per-user cache folder for MNIST.</summary>
    /// <param name="environment">Returns an environment variable's value, or null.</param>
    /// <returns>A full path.</returns>
    public static string DefaultDirectory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string cache;
        if (OperatingSystem.IsWindows())
        {
            cache = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        }
        else if (OperatingSystem.IsMacOS())
        {
            cache = Path.Combine(Home(environment), "Library", "Caches");
        }
        else
        {
            string? xdg = environment("XDG_CACHE_HOME");
            cache = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg) ? xdg : Path.Combine(Home(environment), ".cache");
        }

        return Path.GetFullPath(Path.Combine(cache, "lenet5", "mnist"));
    }

    private static string Home(Func<string, string?> environment)
    {
        string? home = environment("HOME");
        return !string.IsNullOrWhiteSpace(home) ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    }
}
