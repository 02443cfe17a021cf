using System.CommandLine;
using LeNet5.Model;

namespace LeNet5.Mnist;

/// <summary>
/// <c>--arch classic|modern</c>, <c>--activation tanh|relu</c> and <c>--pooling average|max</c>, shared by the commands that
/// build a network; the parser refuses the last two with Classic.
/// </summary>
internal sealed class NetworkOptions
{
    public Option<Architecture> Architecture { get; } = Cli.ArchitectureOption();

    public Option<Activation?> Activation { get; } = Cli.EnumOption<Activation>("--activation", "Modern only: relu (default) or tanh.",
        ("tanh", Model.Activation.Tanh), ("relu", Model.Activation.ReLU));

    public Option<Pooling?> Pooling { get; } = Cli.EnumOption<Pooling>("--pooling", "Modern only: max (default) or average.",
        ("average", Model.Pooling.Average), ("max", Model.Pooling.Max));

    /// <summary>Adds the three options to <paramref name="command"/>, and the check that Classic is not given Modern's choices.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Architecture);
        command.Options.Add(Activation);
        command.Options.Add(Pooling);
        command.Validators.Add(result =>
        {
            try
            {
                if (result.GetValue(Architecture) == Model.Architecture.Classic
                    && (result.GetValue(Activation) is not null || result.GetValue(Pooling) is not null))
                {
                    result.AddError("--activation and --pooling choose the modern network's; the classic network is the paper's (add --arch modern).");
                }
            }
            catch (InvalidOperationException)
            {
                // A value that did not parse: the parser reports it.
            }
        });
    }

    /// <summary>Whether --arch was on the command line (not its default).</summary>
    public bool ArchitectureGiven(ParseResult result) => result.GetResult(Architecture) is { Implicit: false };

    /// <summary>The network the options describe.</summary>
    public NetworkDefinition Definition(ParseResult result) => result.GetValue(Architecture) == Model.Architecture.Classic
        ? NetworkDefinition.Classic
        : NetworkDefinition.Modern(result.GetValue(Activation) ?? Model.Activation.ReLU, result.GetValue(Pooling) ?? Model.Pooling.Max);

    /// <summary>The options that would ask for <paramref name="definition"/>: <c>--arch modern --activation relu --pooling max</c>.</summary>
    public static string CommandLine(NetworkDefinition definition) => definition.Architecture == Model.Architecture.Classic
        ? "--arch classic"
        : $"--arch modern --activation {definition.Activation.ToString().ToLowerInvariant()} --pooling {definition.Pooling.ToString().ToLowerInvariant()}";
}
