using System.Buffers.Binary;
using System.Collections.ObjectModel;

namespace LeNet5.Data;

/// <summary>
/// The header of an IDX file: two zero bytes, the element type code, the rank, then one big-endian 32-bit size
/// per dimension. The data that follows holds <see cref="ElementCount"/> elements, row-major (the last
/// dimension varies fastest), each big-endian.
/// </summary>
/// <remarks>
/// A header is valid by construction: rank 1 to 255, every dimension at least 1, and a data length in bytes that
/// fits a <see cref="long"/>. Whether the data is really there is checked by <see cref="IdxReader"/>.
/// </remarks>
public sealed class IdxHeader
{
    /// <summary>The largest rank the format can express (the rank is one byte).</summary>
    public const int MaxRank = byte.MaxValue;

    private readonly int[] _dimensions;

    /// <summary>Creates a header for data of the given element type and dimensions.</summary>
    /// <param name="elementType">The element type.</param>
    /// <param name="dimensions">The sizes, outermost first; 1 to 255 of them, each at least 1.</param>
    /// <exception cref="ArgumentException">The type is unknown, the rank is 0 or above 255, a dimension is below 1,
    /// or the data length overflows.</exception>
    public IdxHeader(IdxElementType elementType, params ReadOnlySpan<int> dimensions)
    {
        if (!Enum.IsDefined(elementType))
        {
            throw new ArgumentException($"Unknown IDX element type 0x{(byte)elementType:X2}.", nameof(elementType));
        }

        if (dimensions.Length is 0 or > MaxRank)
        {
            throw new ArgumentException($"The rank must be 1 to {MaxRank}; it is {dimensions.Length}.", nameof(dimensions));
        }

        long count = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] < 1)
            {
                throw new ArgumentException($"Dimension {i} is {dimensions[i]}; every dimension must be at least 1.", nameof(dimensions));
            }

            count = MultiplyOrMinusOne(count, dimensions[i]);
        }

        int size = ElementSize(elementType);
        if (count < 0 || count > long.MaxValue / size)
        {
            throw new ArgumentException($"The dimensions [{string.Join(", ", dimensions.ToArray())}] describe more than {long.MaxValue} bytes.", nameof(dimensions));
        }

        ElementType = elementType;
        _dimensions = dimensions.ToArray();
        Dimensions = new ReadOnlyCollection<int>(_dimensions);
        ElementCount = count;
        DataLength = count * size;
    }

    /// <summary>The element type.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The sizes of the dimensions, outermost first.</summary>
    public ReadOnlyCollection<int> Dimensions { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The product of the dimensions.</summary>
    public long ElementCount { get; }

    /// <summary>The size in bytes of one element.</summary>
    public int ElementSizeInBytes => ElementSize(ElementType);

    /// <summary>The length in bytes of the data after the header.</summary>
    public long DataLength { get; }

    /// <summary>The length in bytes of the header itself: 4 + 4 × <see cref="Rank"/>.</summary>
    public int HeaderLength => HeaderLengthFor(Rank);

    /// <summary>The size in bytes of one element of <paramref name="elementType"/>.</summary>
    /// <param name="elementType">An IDX element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int ElementSize(IdxElementType elementType) => elementType switch
    {
        IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        IdxElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Unknown IDX element type."),
    };

    /// <summary>The IDX element type that stores <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="byte"/>, <see cref="sbyte"/>, <see cref="short"/>, <see cref="int"/>,
    /// <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The matching element type.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no IDX element type.</exception>
    public static IdxElementType ElementTypeOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            return IdxElementType.UnsignedByte;
        }

        if (typeof(T) == typeof(sbyte))
        {
            return IdxElementType.SignedByte;
        }

        if (typeof(T) == typeof(short))
        {
            return IdxElementType.Int16;
        }

        if (typeof(T) == typeof(int))
        {
            return IdxElementType.Int32;
        }

        if (typeof(T) == typeof(float))
        {
            return IdxElementType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return IdxElementType.Float64;
        }

        throw new NotSupportedException($"IDX has no element type for {typeof(T)}.");
    }

    /// <summary>Writes the header's <see cref="HeaderLength"/> bytes.</summary>
    /// <param name="destination">At least <see cref="HeaderLength"/> bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeaderLength, nameof(destination));
        destination[0] = 0;
        destination[1] = 0;
        destination[2] = (byte)ElementType;
        destination[3] = (byte)Rank;
        for (int i = 0; i < _dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination.Slice(4 + (4 * i), 4), _dimensions[i]);
        }
    }

    /// <summary>A readable description, for example <c>UnsignedByte [60000, 28, 28]</c>.</summary>
    /// <returns>The element type and dimensions.</returns>
    public override string ToString() => $"{ElementType} [{string.Join(", ", _dimensions)}]";

    internal static int HeaderLengthFor(int rank) => 4 + (4 * rank);

    /// <summary>
    /// Reads and validates a header from the start of <paramref name="stream"/>, reading exactly its bytes.
    /// </summary>
    internal static IdxHeader Read(Stream stream, string fileName)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (got < magic.Length)
        {
            throw new IdxFormatException(fileName, $"truncated header: expected a 4-byte magic number, found {got} byte(s).");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new IdxFormatException(fileName, $"not an IDX file: expected a magic number starting 00 00, found {Convert.ToHexString(magic)}.");
        }

        var elementType = (IdxElementType)magic[2];
        if (!Enum.IsDefined(elementType))
        {
            throw new IdxFormatException(fileName, $"unknown element type code: expected 08, 09, 0B, 0C, 0D or 0E, found {magic[2]:X2}.");
        }

        int rank = magic[3];
        if (rank == 0)
        {
            throw new IdxFormatException(fileName, "rank 0: expected at least one dimension, found none.");
        }

        Span<byte> sizes = stackalloc byte[4 * MaxRank];
        sizes = sizes[..(4 * rank)];
        got = stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (got < sizes.Length)
        {
            throw new IdxFormatException(fileName, $"truncated header: expected {rank} dimension(s) ({sizes.Length} bytes), found {got} byte(s).");
        }

        Span<int> dimensions = stackalloc int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizes.Slice(4 * i, 4));
            if (size == 0)
            {
                throw new IdxFormatException(fileName, $"dimension {i} is 0: expected every dimension to be at least 1.");
            }

            if (size > int.MaxValue)
            {
                throw new IdxFormatException(fileName, $"dimension {i} is {size}: expected at most {int.MaxValue}.");
            }

            dimensions[i] = (int)size;
            count = MultiplyOrMinusOne(count, (int)size);
        }

        int elementSize = ElementSize(elementType);
        if (count < 0 || count > long.MaxValue / elementSize)
        {
            throw new IdxFormatException(fileName, $"the dimensions [{string.Join(", ", dimensions.ToArray())}] overflow: their product times {elementSize} byte(s) exceeds {long.MaxValue}.");
        }

        return new IdxHeader(elementType, dimensions);
    }

    /// <summary>The product, or −1 once it exceeds <see cref="long.MaxValue"/> (and from then on).</summary>
    private static long MultiplyOrMinusOne(long count, int size)
    {
        if (count < 0)
        {
            return -1;
        }

        return count > long.MaxValue / size ? -1 : count * size;
    }
}
