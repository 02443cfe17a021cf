using System.CommandLine;
using LeNet5.Mnist.Terminal;
using LeNet5.Network;

namespace LeNet5.Mnist;

/// <summary><c>lenet5 summary [--arch classic|modern] [--activation tanh|relu] [--pooling average|max] [--json]</c>: the per-layer table of Section II-B.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var network = new NetworkOptions();
        var json = new Option<bool>("--json") { Description = "Print the table as JSON." };
        var command = new Command("summary", "Print each layer's output shape, trainable and fixed parameters and connections.");
        network.AddTo(command);
        command.Options.Add(json);
        command.SetAction(result => Cli.Guard(() =>
        {
            var definition = network.Definition(result);
            var summary = LeNet5Network.Create(definition).Summary;
            if (result.GetValue(json))
                Console.Out.Write(summary.ToJson() + Environment.NewLine);
            else
                Tables.Out.Write(Tables.Summary(summary));
            return 0;
        }));
        return command;
    }
}
