using LeNet5.Data;

namespace LeNet5.Training;

/// <summary>
/// A planar affine map about the image centre c = (15.5, 15.5), the midpoint of the 32×32 pixel grid:
/// x' − c = A·(x − c) + B·(y − c) + Tx and y' − c = C·(x − c) + D·(y − c) + Ty, with x the column and y the row.
/// </summary>
internal readonly record struct AffineTransform(float A, float B, float C, float D, float Tx, float Ty)
{
    /// <summary>The centre of the field on either axis, (Side − 1)/2.</summary>
    public const float Centre = (Preprocessing.InputSide - 1) / 2f;

    /// <summary>The map that moves nothing.</summary>
    public static AffineTransform Identity => new(1, 0, 0, 1, 0, 0);

    /// <summary>A shift by (x, y) pixels.</summary>
    public static AffineTransform Translation(float x, float y) => new(1, 0, 0, 1, x, y);

    /// <summary>A scaling of each axis about the centre.</summary>
    public static AffineTransform Scale(float x, float y) => new(x, 0, 0, y, 0, 0);

    /// <summary>The image of the point (x, y).</summary>
    public (double X, double Y) Map(double x, double y)
    {
        double dx = x - Centre, dy = y - Centre;
        return (((double)A * dx) + ((double)B * dy) + Tx + Centre, ((double)C * dx) + ((double)D * dy) + Ty + Centre);
    }

    /// <summary>The map that undoes this one, computed in double precision and rounded once to float.</summary>
    /// <exception cref="InvalidOperationException">The map is singular or not finite.</exception>
    public AffineTransform Inverse()
    {
        double determinant = ((double)A * D) - ((double)B * C);
        if (determinant == 0 || !double.IsFinite(determinant))
            throw new InvalidOperationException($"The transform {this} has no inverse (determinant {determinant}).");
        double a = D / determinant, b = -B / determinant, c = -C / determinant, d = A / determinant;
        return new((float)a, (float)b, (float)c, (float)d, (float)(-((a * Tx) + (b * Ty))), (float)(-((c * Tx) + (d * Ty))));
    }
}
