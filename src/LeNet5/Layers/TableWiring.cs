using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>A <see cref="ConnectionTable"/> turned into the plain index lists the convolution kernels take.</summary>
internal static class TableWiring
{
    /// <summary>Output maps summing their input maps: the forward pass.</summary>
    public static MapWiring Forward(ConnectionTable table)
        => MapWiring.Forward(table.Inputs, table.Outputs, table.OutputOfConnection, table.InputOfConnection);

    /// <summary>Input maps summing the output maps they feed: the input-gradient pass.</summary>
    public static MapWiring Transposed(ConnectionTable table)
        => MapWiring.Transposed(table.Inputs, table.Outputs, table.OutputOfConnection, table.InputOfConnection);

    /// <summary>The connection joining each (input map, output map) pair, or −1: what the map-lane kernels' tap-major layout is built from.</summary>
    public static int[] ConnectionGrid(ConnectionTable table)
        => MapLaneConvolutionKernels.ConnectionGrid(table.Inputs, table.Outputs, table.OutputOfConnection, table.InputOfConnection);
}
