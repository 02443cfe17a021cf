using LeNet5.Model;

namespace LeNet5.Network;

/// <summary>One layer's output for one image, from <see cref="LeNet5Network.Activations(ReadOnlySpan{float})"/>.</summary>
/// <param name="Name">The layer's name as in the paper: C1, S2, C3, S4, C5, F6 or Output.</param>
/// <param name="Shape">The shape of the output, from the layer's definition: maps × height × width (a vector is n × 1 × 1).</param>
/// <param name="Values">The <see cref="TensorShape.Size"/> outputs, map by map and row by row within a map (after the layer's activation function).</param>
public sealed record LayerActivation(string Name, TensorShape Shape, float[] Values)
{
    /// <summary>Map <paramref name="map"/> of the output, <see cref="TensorShape.Plane"/> values row by row.</summary>
    /// <param name="map">The map (channel), from 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="map"/> is not a map of <see cref="Shape"/>.</exception>
    public ReadOnlySpan<float> Map(int map)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(map);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(map, Shape.Channels);
        return Values.AsSpan(map * Shape.Plane, Shape.Plane);
    }
}
