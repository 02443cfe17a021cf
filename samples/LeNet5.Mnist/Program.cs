using LeNet5.Mnist;
using LeNet5.Mnist.Data;

var root = Cli.CreateRoot("LeNet-5 (LeCun et al., 1998) on MNIST: train, evaluate, predict, inspect.",
    TrainCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    SummaryCommand.Create(),
    BenchCommand.Create(),
    DownloadCommand.Create(),
    ExportCommand.Create());
return Cli.Run(root, args);
