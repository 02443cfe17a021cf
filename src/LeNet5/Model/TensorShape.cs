namespace LeNet5.Model;

/// <summary>The shape of one image's feature maps: channels × height × width (a vector is n × 1 × 1).</summary>
/// <param name="Channels">Number of feature maps.</param>
/// <param name="Height">Rows per map.</param>
/// <param name="Width">Columns per map.</param>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>Channels · Height · Width.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Height · Width.</summary>
    public int Plane => Height * Width;
}
