using System.CommandLine;
using LeNet5.Data;
using LeNet5.Mnist.Data;
using LeNet5.Model;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>How every command reports: one clear line on stderr and a non-zero exit code, never a stack trace.</summary>
internal static class Cli
{
    public const int Failure = 1;
    public const int UsageError = 2;

    public static int Run(RootCommand root, string[] args)
    {
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"lenet5: {parsed.Errors[0].Message} (see 'lenet5 --help')");
            return UsageError;
        }
        return parsed.Invoke();
    }

    /// <summary>Runs a command's body, turning the errors a user can cause into one line on stderr.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            return Report(e);
        }
    }

    /// <inheritdoc cref="Guard"/>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            return Report(e);
        }
    }

    private static bool IsUserFacing(Exception e) => e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException
        or FormatException or TrainingDivergedException or OperationCanceledException or HttpRequestException;

    private static int Report(Exception e)
    {
        string message = e switch
        {
            OperationCanceledException => "cancelled; the last completed pass is saved.",
            // "X must be … (Parameter 'X')\nActual value was V." on one line: "X must be …; got V."
            ArgumentOutOfRangeException { ActualValue: { } value } range =>
                $"{range.Message.Split('\n')[0].Replace($" (Parameter '{range.ParamName}')", "", StringComparison.Ordinal).TrimEnd('.')}; got {value}.",
            _ => e.Message.ReplaceLineEndings(" "),
        };
        Console.Error.WriteLine($"lenet5: {message}");
        return Failure;
    }

    /// <summary>--data DIR.</summary>
    public static Option<string?> DataOption() => new("--data")
    {
        Description = $"The folder holding the four MNIST files (default: ${DataDirectory.EnvironmentVariable}, else a per-user cache folder).",
    };

    /// <summary>The MNIST folder, downloading what is missing (progress on stderr); a failure becomes one explaining line.</summary>
    public static async Task<string> EnsureMnistAsync(string? dataDir, CancellationToken cancellationToken)
    {
        try
        {
            return await MnistFiles.EnsureAsync(dataDir, ConsoleDownloadProgress.ForStandardError(), cancellationToken).ConfigureAwait(false);
        }
        catch (DatasetUnavailableException e)
        {
            throw new IOException(MnistFiles.Explain(e, dataDir), e);
        }
    }

    /// <summary>A value that must be positive when given.</summary>
    public static int? Positive(int? value, string option) => value is <= 0
        ? throw new ArgumentException($"{option} must be a positive number, not {value}.")
        : value;

    /// <summary>An option taking one of a few named values.</summary>
    public static Option<T?> EnumOption<T>(string name, string description, params (string Name, T Value)[] values) where T : struct
        => new(name)
        {
            Description = description,
            HelpName = string.Join('|', values.Select(v => v.Name)),
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                foreach (var (valueName, value) in values)
                    if (string.Equals(valueName, text, StringComparison.OrdinalIgnoreCase))
                        return value;
                result.AddError($"{name} must be {string.Join(", ", values[..^1].Select(v => v.Name))} or {values[^1].Name}, not '{text}'.");
                return null;
            },
        };

    /// <summary>--arch classic|modern.</summary>
    public static Option<Architecture> ArchitectureOption()
    {
        var option = new Option<Architecture>("--arch")
        {
            Description = "The network: classic (the 1998 paper) or modern (the 61,706-parameter variant).",
            HelpName = "classic|modern",
            DefaultValueFactory = _ => Architecture.Classic,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (Enum.TryParse(text, ignoreCase: true, out Architecture architecture) && Enum.IsDefined(architecture))
                    return architecture;
                result.AddError($"--arch must be classic or modern, not '{text}'.");
                return default;
            },
        };
        return option;
    }
}
