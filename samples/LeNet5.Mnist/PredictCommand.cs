using System.CommandLine;
using System.Globalization;
using System.Text;
using LeNet5.Network;
using LeNet5.Serialization;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 predict --model FILE.safetensors --images FILE [--output FILE.csv]</c>: classifies every image
/// of an IDX file and writes <c>index,predicted,s0,…,s9</c> (RBF penalties for Classic, logits for Modern),
/// each float printed so that it parses back to the same bits.
/// </summary>
internal static class PredictCommand
{
    private const int BatchSize = 256;

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A weights file (.safetensors) as lenet5 train writes it (docs/definitions.md, Weights file).", Required = true };
        var images = new Option<FileInfo>("--images") { Description = "An IDX file of unsigned-byte images, 28×28 or 32×32, raw or gzipped.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Write the CSV here instead of to standard output." };
        var command = new Command("predict", "Classify the images of an IDX file with a saved model.") { model, images, output };
        command.SetAction(result => Cli.Guard(() =>
            Run(result.GetValue(model)!.FullName, result.GetValue(images)!.FullName, result.GetValue(output)?.FullName)));
        return command;
    }

    private static int Run(string modelPath, string imagesPath, string? outputPath)
    {
        var network = ModelFile.Load(modelPath);
        var source = ImageFile.Read(imagesPath);
        var workspace = network.CreateWorkspace(BatchSize);
        var inputs = new float[BatchSize * LeNet5Network.InputSize];
        var predictions = new int[BatchSize];
        var scores = new float[BatchSize * LeNet5Network.Classes];

        var csv = new StringBuilder("index,predicted,s0,s1,s2,s3,s4,s5,s6,s7,s8,s9\n");
        for (int start = 0; start < source.Count; start += BatchSize)
        {
            int batch = Math.Min(BatchSize, source.Count - start);
            for (int b = 0; b < batch; b++)
                source.Normalize(start + b, inputs.AsSpan(b * LeNet5Network.InputSize, LeNet5Network.InputSize));
            network.Predict(workspace, inputs.AsSpan(0, batch * LeNet5Network.InputSize), predictions, scores);
            for (int b = 0; b < batch; b++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{start + b},{predictions[b]}");
                for (int c = 0; c < LeNet5Network.Classes; c++)
                    csv.Append(',').Append(scores[(b * LeNet5Network.Classes) + c].ToString("R", CultureInfo.InvariantCulture));
                csv.Append('\n');
            }
        }

        if (outputPath is null)
            Console.Out.Write(csv);
        else
            AtomicFile.WriteAllText(outputPath, csv.ToString());
        return 0;
    }
}
