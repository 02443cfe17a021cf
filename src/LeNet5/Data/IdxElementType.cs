namespace LeNet5.Data;

/// <summary>
/// The element type of an IDX file: the third byte of its magic number. The values are the type codes of
/// the format (LeCun and Cortes, "The MNIST database of handwritten digits"); multi-byte elements are stored
/// big-endian.
/// </summary>
public enum IdxElementType : byte
{
    /// <summary>0x08: unsigned byte (<see cref="byte"/>).</summary>
    UnsignedByte = 0x08,

    /// <summary>0x09: signed byte (<see cref="sbyte"/>).</summary>
    SignedByte = 0x09,

    /// <summary>0x0B: 16-bit signed integer (<see cref="short"/>), big-endian.</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: 32-bit signed integer (<see cref="int"/>), big-endian.</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: IEEE 754 single precision (<see cref="float"/>), big-endian.</summary>
    Float32 = 0x0D,

    /// <summary>0x0E: IEEE 754 double precision (<see cref="double"/>), big-endian.</summary>
    Float64 = 0x0E,
}
