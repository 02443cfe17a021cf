using System.CommandLine;
using LeNet5.Model;

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
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"lenet5: {e.Message}");
            return Failure;
        }
    }

    /// <summary>--arch classic|modern.</summary>
    public static Option<Architecture> ArchitectureOption()
    {
        var option = new Option<Architecture>("--arch")
        {
            Description = "The network: classic (the 1998 paper) or modern (the 61,706-parameter variant).",
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
