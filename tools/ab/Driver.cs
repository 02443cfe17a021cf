// One build of the library behind a plain-array surface, so that tools/ab_compare.py can load two builds into one
// process (each in its own AssemblyLoadContext) and time them side by side. Public API only.
using LeNet5.Model;
using LeNet5.Network;

public static class Driver
{
    private static LeNet5Network? s_network;
    private static NetworkWorkspace? s_workspace;

    public static void Create(string arch) => s_network = LeNet5Network.Create(arch == "modern" ? NetworkDefinition.Modern() : NetworkDefinition.Classic, 1);

    public static void Prepare(int batch) => s_workspace = s_network!.CreateWorkspace(batch);

    /// <summary>ComputeGradients over every whole batch of <paramref name="x"/>.</summary>
    public static void Train(float[] x, int[] labels, int batch)
    {
        for (int start = 0; start + batch <= labels.Length; start += batch)
            s_network!.ComputeGradients(s_workspace!, x.AsSpan(start * LeNet5Network.InputSize, batch * LeNet5Network.InputSize), labels.AsSpan(start, batch));
    }

    /// <summary>Forward over every whole batch of <paramref name="x"/>.</summary>
    public static void Infer(float[] x, int batch)
    {
        for (int start = 0; start + batch <= x.Length / LeNet5Network.InputSize; start += batch)
            s_network!.Forward(s_workspace!, x.AsSpan(start * LeNet5Network.InputSize, batch * LeNet5Network.InputSize));
    }
}
