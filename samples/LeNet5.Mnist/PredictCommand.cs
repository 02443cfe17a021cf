using System.CommandLine;
using System.Globalization;
using System.Text;
using LeNet5.Data;
using LeNet5.Network;
using LeNet5.Serialization;

namespace LeNet5.Mnist;

/// <summary>
/// <c>lenet5 predict --model FILE.safetensors (--images IDX | --image FILE|FOLDER …) [--probabilities] [--output FILE.csv]</c>:
/// classifies every image of an IDX file, or picture files (PNG, JPEG, BMP) put through MNIST's preprocessing
/// (<see cref="MnistPreprocessing"/>), and writes <c>index,predicted,s0,…,s9</c> (<c>file,…</c> for pictures): the RBF
/// penalties for Classic, the logits for Modern, or with --probabilities <c>p0,…,p9</c>; each float printed so that it
/// parses back to the same bits.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A weights file (.safetensors) as lenet5 train writes it (docs/definitions.md, Weights file).", Required = true };
        var images = new Option<FileInfo?>("--images") { Description = "An IDX file of unsigned-byte images, 28×28 or 32×32, raw or gzipped." };
        var pictures = new Option<string[]>("--image")
        {
            Description = "A PNG, JPEG or BMP picture of one digit, any size, dark on light or light on dark; or a folder of them. Repeat for more.",
            HelpName = "file|folder",
        };
        var probabilities = new Option<bool>("--probabilities") { Description = "Write the ten probabilities p0…p9 instead of the raw scores s0…s9." };
        var output = new Option<FileInfo?>("--output") { Description = "Write the CSV here instead of to standard output." }.Writable();
        var command = new Command("predict", "Classify the images of an IDX file, or your own pictures of digits, with a saved model.")
        {
            model, images, pictures, probabilities, output,
        };
        pictures.Validators.Add(result =>
        {
            foreach (string path in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!File.Exists(path) && !Directory.Exists(path))
                    result.AddError($"--image {path}: no such file or folder.");
            }
        });
        command.Validators.Add(result =>
        {
            bool idx = result.GetResult(images) is not null, files = result.GetResult(pictures) is not null;
            if (idx == files)
                result.AddError(idx ? "give --images (an IDX file) or --image (pictures), not both." : "give the images to classify: --images FILE (IDX) or --image FILE|FOLDER (PNG, JPEG, BMP).");
        });
        command.SetAction(result => Cli.Guard(() =>
        {
            var network = ModelFile.Load(result.GetValue(model)!.FullName);
            bool p = result.GetValue(probabilities);
            string csv = result.GetValue(images) is { } idx
                ? FromIdx(network, idx.FullName, p)
                : FromPictures(network, PictureFile.Expand(result.GetValue(pictures)!), p);
            if (result.GetValue(output)?.FullName is string path)
                AtomicFile.WriteAllText(path, csv);
            else
                Console.Out.Write(csv);
            return 0;
        }));
        return command;
    }

    private static string FromIdx(LeNet5Network network, string path, bool probabilities)
    {
        if (PictureFile.FormatOf(path) is string format)
            throw new InvalidDataException($"{path} is a {format} picture, not an IDX file: give it with --image.");
        var source = ImageFile.Read(path);
        var csv = Header("index", probabilities);
        for (int i = 0; i < source.Count; i++)
            Row(csv, i.ToString(CultureInfo.InvariantCulture), network.Predict(source.Image(i)), probabilities);
        return csv.ToString();
    }

    /// <summary>Every picture is decoded and checked before anything is written: one bad file fails the whole run.</summary>
    private static string FromPictures(LeNet5Network network, IReadOnlyList<string> files, bool probabilities)
    {
        var csv = Header("file", probabilities);
        foreach (string file in files)
        {
            var (grayscale, width, height) = PictureFile.Read(file);
            byte[] digit;
            try
            {
                digit = MnistPreprocessing.Prepare(grayscale, width, height);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{file}: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }
            Row(csv, Quote(file), network.Predict(digit), probabilities);
        }
        return csv.ToString();
    }

    private static StringBuilder Header(string first, bool probabilities)
    {
        char prefix = probabilities ? 'p' : 's';
        var csv = new StringBuilder(first).Append(",predicted");
        for (int c = 0; c < LeNet5Network.Classes; c++)
            csv.Append(',').Append(prefix).Append(c.ToString(CultureInfo.InvariantCulture));
        return csv.Append('\n');
    }

    private static void Row(StringBuilder csv, string first, Prediction prediction, bool probabilities)
    {
        csv.Append(first).Append(',').Append(prediction.Digit.ToString(CultureInfo.InvariantCulture));
        foreach (float value in probabilities ? prediction.Probabilities : prediction.Scores)
            csv.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
        csv.Append('\n');
    }

    /// <summary>A file name as a CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break.</summary>
    private static string Quote(string field) => field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
