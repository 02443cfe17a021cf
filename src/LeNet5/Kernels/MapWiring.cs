namespace LeNet5.Kernels;

/// <summary>
/// For each target map of a convolution, the (source map, kernel) pairs summed into it. Built from a connection
/// table's lists of connections (see <c>Layers/TableWiring.cs</c>) in two directions: forward (targets are output maps, sources input maps)
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

    /// <summary>
    /// Targets are output maps, sources input maps. The connections are given as two lists, the target and the source
    /// of each, grouped by target in ascending order (as a connection table numbers them); connection c uses kernel c.
    /// </summary>
    public static MapWiring Forward(int sources, int targets, ReadOnlySpan<int> targetOfConnection, ReadOnlySpan<int> sourceOfConnection)
    {
        var targetStarts = new int[targets + 1];
        for (int c = 0; c < targetOfConnection.Length; c++)
            targetStarts[targetOfConnection[c] + 1]++;
        for (int t = 0; t < targets; t++)
            targetStarts[t + 1] += targetStarts[t];
        int[] kernelIndices = new int[targetOfConnection.Length];
        for (int c = 0; c < kernelIndices.Length; c++)
            kernelIndices[c] = c;
        return new MapWiring(targetStarts, sourceOfConnection.ToArray(), kernelIndices) { Sources = sources };
    }

    /// <summary>
    /// The input-gradient pass: targets are the input maps, sources the output maps, each input map summing, in
    /// ascending order of output map, the connections it feeds.
    /// </summary>
    public static MapWiring Transposed(int inputs, int outputs, ReadOnlySpan<int> outputOfConnection, ReadOnlySpan<int> inputOfConnection)
    {
        var targetStarts = new int[inputs + 1];
        var sourceMaps = new List<int>();
        var kernelIndices = new List<int>();
        for (int i = 0; i < inputs; i++)
        {
            targetStarts[i] = sourceMaps.Count;
            // Connections are grouped by output map in ascending order, so this visits each input's outputs in order.
            for (int c = 0; c < inputOfConnection.Length; c++)
            {
                if (inputOfConnection[c] == i)
                {
                    sourceMaps.Add(outputOfConnection[c]);
                    kernelIndices.Add(c);
                }
            }
        }
        targetStarts[inputs] = sourceMaps.Count;
        return new MapWiring(targetStarts, [.. sourceMaps], [.. kernelIndices]) { Sources = outputs };
    }
}
