using System.CommandLine;
using LeNet5.Model;
using LeNet5.Onnx;
using LeNet5.Serialization;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 export --model FILE.safetensors --out FILE.onnx</c>: writes the model as ONNX (opset 21, IR version 10) for
/// ONNX Runtime, Triton or a browser runtime: input <c>image</c> [N,1,32,32], outputs <c>rbf</c> (Classic) or <c>logits</c>
/// (Modern) and <c>probabilities</c>, each [N,10] (<see cref="OnnxExporter"/>). The file is written atomically.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A weights file (.safetensors) as lenet5 train writes it (docs/definitions.md, Weights file).", Required = true };
        var output = new Option<FileInfo?>("--out", "--output") { Description = "The ONNX file to write (for example lenet5.onnx); replaced if it exists.", Required = true }.Writable();
        model.Validators.Add(result =>
        {
            FileInfo? file = null;
            try
            {
                file = result.GetValueOrDefault<FileInfo>();
            }
            catch (InvalidOperationException)
            {
                // Not a path: the parser reports that itself.
            }
            if (file is not null && !file.Exists)
                result.AddError(Directory.Exists(file.FullName) ? $"--model {file}: is a folder, not a weights file." : $"--model {file}: no such file.");
        });
        var command = new Command("export", "Export a saved model to ONNX, for ONNX Runtime, Triton or a browser runtime.") { model, output };
        command.SetAction(result => Cli.Guard(() =>
        {
            string modelPath = result.GetValue(model)!.FullName;
            string onnxPath = result.GetValue(output)!.FullName;
            var network = ModelFile.Load(modelPath);
            byte[] onnx = OnnxExporter.Export(network);
            AtomicFile.WriteAllBytes(onnxPath, onnx);
            NetworkDefinition definition = network.Definition;
            string variant = definition.Architecture == Architecture.Classic ? "Classic" : $"Modern ({definition.Activation}, {definition.Pooling} pooling)";
            Console.WriteLine($"wrote {onnxPath}: {variant}, ONNX opset {OnnxExporter.OpsetVersion} (IR version {OnnxExporter.IrVersion}), {onnx.Length:N0} bytes; "
                + $"input {OnnxExporter.InputName} [N,1,32,32], outputs {OnnxExporter.ScoresOutputName(definition.Architecture)} and {OnnxExporter.ProbabilitiesOutputName} [N,10]");
            return 0;
        }));
        return command;
    }
}
