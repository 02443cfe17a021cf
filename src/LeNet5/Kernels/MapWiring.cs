using LeNet5.Model;

namespace LeNet5.Kernels;

/// <summary>
/// For each target map of a convolution, the (source map, kernel) pairs summed into it. Built from a
/// <see cref="ConnectionTable"/> in two directions: forward (targets are output maps, sources input maps)
/// and transposed (targets are input maps, sources output maps: the input-gradient pass).
/// </summary>
internal sealed class MapWiring
{
    private readonly int[] _targetStarts;
    private readonly int[] _sourceMaps;
    private readonly int[] _kernelIndices;

    private MapWiring(int[] first, int[] source, int[] kernel)
    {
        _targetStarts = first;
        _sourceMaps = source;
        _kernelIndices = kernel;
        SharesSources = Enumerable.Range(1, Targets - 1 < 0 ? 0 : Targets - 1).All(t =>
            source.AsSpan(first[t], first[t + 1] - first[t]).SequenceEqual(source.AsSpan(first[0], first[1] - first[0])));
    }

    /// <summary>
    /// Every target sums the same sources in the same order (a full table: C1, the Modern C3 both ways), so one
    /// load of an input vector can feed every target's multiply-add.
    /// </summary>
    public bool SharesSources { get; }

    public int Targets => _targetStarts.Length - 1;
    public int Sources { get; private init; }

    /// <summary>Where each target's entries start: those of target <c>t</c> are <c>[TargetStarts[t], TargetStarts[t + 1])</c>.</summary>
    public ReadOnlySpan<int> TargetStarts => _targetStarts;

    /// <summary>Per entry, the source map it reads.</summary>
    public ReadOnlySpan<int> SourceMaps => _sourceMaps;

    /// <summary>Per entry, the index of its K×K kernel in the packed kernels.</summary>
    public ReadOnlySpan<int> KernelIndices => _kernelIndices;

    public static MapWiring Forward(ConnectionTable table)
    {
        var first = new int[table.Outputs + 1];
        for (int o = 0; o <= table.Outputs; o++)
            first[o] = o < table.Outputs ? table.FirstConnection(o) : table.Connections;
        int[] kernel = new int[table.Connections];
        for (int c = 0; c < kernel.Length; c++)
            kernel[c] = c;
        return new MapWiring(first, table.InputOfConnection.ToArray(), kernel) { Sources = table.Inputs };
    }

    public static MapWiring Transposed(ConnectionTable table)
    {
        var first = new int[table.Inputs + 1];
        var source = new List<int>();
        var kernel = new List<int>();
        for (int i = 0; i < table.Inputs; i++)
        {
            first[i] = source.Count;
            for (int o = 0; o < table.Outputs; o++)
            {
                int c = table.ConnectionIndex(o, i);
                if (c >= 0)
                {
                    source.Add(o);
                    kernel.Add(c);
                }
            }
        }
        first[table.Inputs] = source.Count;
        return new MapWiring(first, [.. source], [.. kernel]) { Sources = table.Outputs };
    }
}
