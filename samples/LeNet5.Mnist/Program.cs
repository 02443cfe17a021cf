using System.CommandLine;
using LeNet5.Mnist;

var root = new RootCommand("LeNet-5 (LeCun et al., 1998) on MNIST: inspect, predict.")
{
    SummaryCommand.Create(),
    PredictCommand.Create(),

};
return Cli.Run(root, args);
