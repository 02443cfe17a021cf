// Writes the MNIST subset the tests use: the first N images and labels of the training and test files, as
// gzipped IDX files written by the library's IdxWriter. A .NET 10 file-based program; from the repository root:
//
//     dotnet run tools/make_mnist_subset.cs -- /path/to/mnist tests/LeNet5.Tests/TestData/mnist 2000 1000
//
// The source folder holds the four original MNIST files (raw or .gz). The output is deterministic: the same
// source gives the same bytes (IdxWriter's gzip stream writes no timestamp).
#:project ../src/LeNet5/LeNet5.csproj

using LeNet5.Data;

if (args.Length != 4 || !int.TryParse(args[2], out int trainCount) || !int.TryParse(args[3], out int testCount))
{
    Console.Error.WriteLine("usage: dotnet run tools/make_mnist_subset.cs -- SOURCE_DIR OUTPUT_DIR TRAIN_COUNT TEST_COUNT");
    return 2;
}

string source = args[0];
string output = args[1];
Directory.CreateDirectory(output);
Write(MnistDataset.LoadTraining(source, trainCount), MnistFileSet.TrainImages, MnistFileSet.TrainLabels);
Write(MnistDataset.LoadTest(source, testCount), MnistFileSet.TestImages, MnistFileSet.TestLabels);
return 0;

void Write(MnistDataset set, DatasetFile images, DatasetFile labels)
{
    IdxWriter.WriteFile(Path.Combine(output, images.CompressedName), set.Pixels, [set.Count, set.ImageSide, set.ImageSide], gzip: true);
    IdxWriter.WriteFile(Path.Combine(output, labels.CompressedName), set.Labels, [set.Count], gzip: true);
    Console.WriteLine($"{images.CompressedName}, {labels.CompressedName}: the first {set.Count} of {Path.Combine(source, images.Name)}");
}
