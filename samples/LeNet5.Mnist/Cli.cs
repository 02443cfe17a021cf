using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using LeNet5.Data;
using LeNet5.Mnist.Data;
using LeNet5.Mnist.Terminal;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Training;

namespace LeNet5.Mnist;

/// <summary>How every command reports: one clear line on stderr and a non-zero exit code, never a stack trace.</summary>
internal static class Cli
{
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>The exit code of a command stopped by Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>Threads a command may be asked to use at most.</summary>
    public const int MaximumThreads = 256;

    /// <summary>
    /// The root command, named <c>lenet5</c> whatever the executable is called (the usage line of <c>dotnet
    /// LeNet5.Mnist.dll</c> says <c>lenet5</c> too), with --help and --version (the package's version).
    /// </summary>
    public static Command CreateRoot(string description, params Command[] commands)
    {
        var root = new Command("lenet5", description) { new HelpOption(), new VersionOption() };
        foreach (Command command in commands)
            root.Subcommands.Add(command);
        return root;
    }

    public static int Run(Command root, string[] args)
    {
        ParseResult parsed = root.Parse(args);
        if (Environment.GetEnvironmentVariable(LeNet5Network.VectorBitsVariable) is { Length: > 0 } bits && bits.Trim() is not ("512" or "256" or "128" or "32"))
        {
            Console.Error.WriteLine($"lenet5: {LeNet5Network.VectorBitsVariable} must be 512, 256, 128 or 32 (the widest vector the kernels may use, in bits); it is '{bits}'.");
            return UsageError;
        }
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"lenet5: {Explain(parsed, root)} (see 'lenet5 --help')");
            return UsageError;
        }
        return parsed.Invoke();
    }

    /// <summary>The first parse error in a user's words.</summary>
    private static string Explain(ParseResult parsed, Command root)
    {
        string commands = $"{string.Join(", ", root.Subcommands.Select(c => c.Name).SkipLast(1))} or {root.Subcommands[^1].Name}";
        if (parsed.CommandResult.Command == root)
        {
            Token? word = parsed.Tokens.FirstOrDefault(t => t.Type == TokenType.Argument);
            if (word is not null)
                return $"unknown command '{word.Value}'; the commands are {commands}.";
            if (parsed.Tokens.Count == 0)
                return $"no command given; the commands are {commands}.";
        }

        string message = parsed.Errors[0].Message;
        // "Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Nullable`1[System.Int32]'."
        Match cannotParse = Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$");
        if (cannotParse.Success)
        {
            string type = cannotParse.Groups["type"].Value;
            string expected = type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number"
                : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
                : "a valid value";
            return $"{cannotParse.Groups["option"].Value} must be {expected}, not '{cannotParse.Groups["value"].Value}'.";
        }
        return message;
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
            return Report(e, null);
        }
    }

    /// <inheritdoc cref="Guard"/>
    /// <param name="body">The command's work.</param>
    /// <param name="cancelled">What to say after Ctrl+C (default "cancelled; nothing was written.").</param>
    public static async Task<int> GuardAsync(Func<Task<int>> body, Func<string>? cancelled = null)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            return Report(e, cancelled);
        }
    }

    private static bool IsUserFacing(Exception e) => e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException
        or FormatException or TrainingDivergedException or OperationCanceledException or HttpRequestException;

    private static int Report(Exception e, Func<string>? cancelled)
    {
        if (e is OperationCanceledException)
        {
            Console.Error.WriteLine($"lenet5: {cancelled?.Invoke() ?? "cancelled; nothing was written."}");
            return Cancelled;
        }

        string message = e switch
        {
            // "X must be … (Parameter 'X')\nActual value was V." on one line: "X must be …; got V."
            ArgumentOutOfRangeException { ActualValue: { } value } range =>
                $"{range.Message.Split('\n')[0].Replace($" (Parameter '{range.ParamName}')", "", StringComparison.Ordinal).TrimEnd('.')}; got {value}.",
            _ => e.Message.ReplaceLineEndings(" "),
        };
        Console.Error.WriteLine($"lenet5: {message}");
        return Failure;
    }

    /// <summary>The option that names the data folder; the library's messages are told it rather than knowing it.</summary>
    public const string DataOptionName = "--data";

    /// <summary>--data DIR.</summary>
    public static Option<string?> DataOption() => new(DataOptionName)
    {
        Description = $"The folder holding the four MNIST files (default: ${DataDirectory.EnvironmentVariable}, else a per-user cache folder).",
    };

    /// <summary>The MNIST folder, downloading what is missing (progress on stderr); a failure becomes one explaining line.</summary>
    public static async Task<string> EnsureMnistAsync(string? dataDir, CancellationToken cancellationToken)
    {
        try
        {
            return await DownloadBars.EnsureMnistAsync(dataDir, cancellationToken).ConfigureAwait(false);
        }
        catch (DatasetUnavailableException e)
        {
            throw new IOException(MnistFiles.Explain(e, dataDir), e);
        }
    }

    /// <summary>The option's value, or the default when it did not convert (the parser reports that error itself).</summary>
    private static T? ValueOrNull<T>(OptionResult result)
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>Makes the parser refuse (exit 2, one line naming the option) a given value outside [min, max].</summary>
    public static Option<int?> InRange(this Option<int?> option, int minimum, int maximum = int.MaxValue)
    {
        option.Validators.Add(result =>
        {
            if (ValueOrNull<int?>(result) is int value && (value < minimum || value > maximum))
            {
                result.AddError(maximum == int.MaxValue
                    ? $"{option.Name} must be {(minimum == 1 ? "a positive whole number" : $"at least {minimum}")}, not {value}."
                    : $"{option.Name} must be from {minimum} to {maximum}, not {value}.");
            }
        });
        return option;
    }

    /// <summary>Makes the parser refuse a given value that is not a positive finite number.</summary>
    public static Option<float?> PositiveFinite(this Option<float?> option)
    {
        option.Validators.Add(result =>
        {
            if (ValueOrNull<float?>(result) is float value && !(value > 0 && float.IsFinite(value)))
                result.AddError($"{option.Name} must be a positive number, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        });
        return option;
    }

    /// <summary>Makes the parser check, before any work, that the file given can be written (its folder exists and takes files).</summary>
    public static Option<FileInfo?> Writable(this Option<FileInfo?> option)
    {
        option.Validators.Add(result =>
        {
            if (ValueOrNull<FileInfo?>(result) is { } file && WriteProblem(file.FullName) is string problem)
                result.AddError($"{option.Name} {file}: {problem}.");
        });
        return option;
    }

    /// <summary>Throws, naming the option, when <paramref name="path"/> cannot be written: for a default the parser did not see.</summary>
    public static void RequireWritable(string path, string option)
    {
        if (WriteProblem(path) is string problem)
            throw new IOException($"{option} {path}: {problem}.");
    }

    /// <summary>Why <paramref name="path"/> cannot be written, or null: checked by creating (and deleting) a file beside it.</summary>
    private static string? WriteProblem(string path)
    {
        if (Directory.Exists(path))
            return "is a folder; give a file name";
        string? folder = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(folder))
            return null;
        if (!Directory.Exists(folder))
            return $"the folder {folder} does not exist";
        try
        {
            using var probe = new FileStream(Path.Combine(folder, $".lenet5-write-check-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return $"no permission to write in {folder}";
        }
        catch (IOException)
        {
            return $"cannot create a file in {folder}";
        }
    }

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
                {
                    if (string.Equals(valueName, text, StringComparison.OrdinalIgnoreCase))
                        return value;
                }

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
