// Times two builds of the library in one process: usage Host <dirA> <dirB> <arch> <rounds> <batch>...
// Each build's Driver.dll and LeNet5.dll load into their own AssemblyLoadContext; the rounds alternate which runs first,
// and each figure is the fastest round (µs per image over 512 generated images).
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

string arch = args[2];
int rounds = int.Parse(args[3]);
int[] batches = args.Skip(4).Select(int.Parse).ToArray();
var builds = new[] { new Build(args[0], arch), new Build(args[1], arch) };
var random = new Random(1);
const int Images = 512;
var x = new float[Images * 1024];
for (int i = 0; i < x.Length; i++)
    x[i] = (float)((random.NextDouble() * 1.275) - 0.1);
var labels = Enumerable.Range(0, Images).Select(i => i % 10).ToArray();
foreach (int batch in batches)
{
    var best = new double[2, 2];
    for (int i = 0; i < 2; i++)
        best[i, 0] = best[i, 1] = double.MaxValue;
    foreach (var build in builds)
        build.Prepare(batch);
    for (int round = 0; round < rounds; round++)
    {
        for (int k = 0; k < 2; k++)
        {
            int id = (round + k) % 2;
            var build = builds[id];
            build.Train(x, labels, batch);
            build.Infer(x, batch);
            long start = Stopwatch.GetTimestamp();
            build.Train(x, labels, batch);
            best[id, 0] = Math.Min(best[id, 0], Stopwatch.GetElapsedTime(start).TotalMicroseconds / Images);
            start = Stopwatch.GetTimestamp();
            build.Infer(x, batch);
            best[id, 1] = Math.Min(best[id, 1], Stopwatch.GetElapsedTime(start).TotalMicroseconds / Images);
        }
    }
    Console.WriteLine($"{arch} batch {batch}: gradients A {best[0, 0]:F2} B {best[1, 0]:F2} µs/image (B {best[0, 0] / best[1, 0]:F3}× as fast); "
        + $"forward A {best[0, 1]:F2} B {best[1, 1]:F2} (B {best[0, 1] / best[1, 1]:F3}×)");
}

sealed class Build
{
    private readonly MethodInfo _prepare, _train, _infer;

    public Build(string directory, string arch)
    {
        var context = new DirectoryContext(directory);
        var driver = context.LoadFromAssemblyPath(Path.Combine(directory, "Driver.dll")).GetType("Driver")!;
        driver.GetMethod("Create")!.Invoke(null, [arch]);
        _prepare = driver.GetMethod("Prepare")!;
        _train = driver.GetMethod("Train")!;
        _infer = driver.GetMethod("Infer")!;
    }

    public void Prepare(int batch) => _prepare.Invoke(null, [batch]);

    public void Train(float[] x, int[] labels, int batch) => _train.Invoke(null, [x, labels, batch]);

    public void Infer(float[] x, int batch) => _infer.Invoke(null, [x, batch]);
}

sealed class DirectoryContext(string directory) : AssemblyLoadContext
{
    protected override Assembly? Load(AssemblyName name)
    {
        string path = Path.Combine(directory, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
