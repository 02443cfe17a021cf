using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace LeNet5.Data;

/// <summary>
/// Reads an IDX file, raw or gzipped (detected by its magic bytes 1F 8B, not by its name), strictly: the header
/// is validated and checked against the real length of the data before anything is allocated, and the data is
/// streamed into the caller's buffers with no intermediate copy.
/// </summary>
/// <remarks>
/// <para>
/// Any malformation is an <see cref="IdxFormatException"/> naming the file, what was expected and what was
/// found: wrong magic, unknown type code, rank 0, a zero dimension, a dimension product that overflows,
/// truncated data, trailing bytes, corrupt gzip data.
/// </para>
/// <para>
/// For a raw seekable stream (a file), the data length is compared with the header before the first data byte
/// is read. For a gzipped one, the claim is first bounded by what deflate can expand the compressed bytes to
/// (at most 1032:1), then the decompressed length is checked while streaming: a short stream is reported as
/// truncated, and once the last element is read one more byte is requested, so a file that goes on is reported
/// at its first byte too many. .NET's gzip decoder checks the CRC-32 when the trailer is there but neither
/// requires the trailer nor rejects bytes after it, so for a seekable gzipped stream the trailer's ISIZE (its last
/// four bytes, the decompressed length mod 2^32) must match too; a multi-member gzip is therefore rejected.
/// </para>
/// <para>
/// When the claimed length cannot be corroborated before reading (a non-seekable stream, or a gzip trailer that
/// disagrees), <see cref="ReadAll{T}"/> grows its array as the data really arrives instead of allocating the claim.
/// </para>
/// </remarks>
public sealed class IdxReader : IDisposable
{
    /// <summary>The largest expansion of deflate (zlib's technical details: "the limit is 1032:1").</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Above this many bytes, data whose length could not be confirmed is read into a growing array.</summary>
    private const int UnconfirmedAllocationLimit = 1 << 24;

    private readonly Stream _data;
    private readonly Stream? _owned;
    private readonly uint? _gzipTrailerSize;
    private long _remaining;
    private bool _disposed;

    private IdxReader(Stream data, Stream? owned, string fileName, IdxHeader header, bool isCompressed, bool lengthVerified, bool lengthConfirmed, uint? gzipTrailerSize)
    {
        _gzipTrailerSize = gzipTrailerSize;
        _data = data;
        _owned = owned;
        FileName = fileName;
        Header = header;
        IsCompressed = isCompressed;
        LengthVerified = lengthVerified;
        LengthConfirmed = lengthConfirmed;
        _remaining = header.DataLength;
    }

    /// <summary>The header read from the file.</summary>
    public IdxHeader Header { get; }

    /// <summary>The file name (or stream name) used in error messages.</summary>
    public string FileName { get; }

    /// <summary>Whether the file is gzipped.</summary>
    public bool IsCompressed { get; }

    /// <summary>The number of elements not yet read.</summary>
    public long RemainingElements => _remaining / Header.ElementSizeInBytes;

    /// <summary>
    /// Whether the data length was checked exactly against the header before reading (raw seekable streams) or
    /// only bounded (gzip) or not at all (non-seekable streams); in every case the read itself is checked.
    /// </summary>
    internal bool LengthVerified { get; }

    /// <summary>
    /// Whether the claimed length is corroborated before reading: checked exactly (raw seekable streams) or
    /// matching the gzip trailer's ISIZE (seekable single-member gzip). Otherwise <see cref="ReadAll{T}"/> does not
    /// allocate the claimed size up front but grows its array as the data really arrives.
    /// </summary>
    internal bool LengthConfirmed { get; }

    /// <summary>Opens the IDX file at <paramref name="path"/> and reads its header.</summary>
    /// <param name="path">The file, raw or gzipped.</param>
    /// <returns>A reader positioned at the first element.</returns>
    /// <exception cref="IdxFormatException">The header is malformed or does not match the file's length.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static IdxReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Unbuffered: the data is read straight into the caller's buffer; gzip does its own buffering.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        try
        {
            return Open(file, path, leaveOpen: false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header of the IDX data in <paramref name="stream"/>, raw or gzipped.</summary>
    /// <param name="stream">The stream, positioned at the first byte of the file.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <returns>A reader positioned at the first element.</returns>
    /// <exception cref="IdxFormatException">The header is malformed or does not match the stream's length.</exception>
    public static IdxReader Open(Stream stream, string fileName = "<stream>", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);

        Span<byte> magic = stackalloc byte[2];
        Span<byte> trailer = stackalloc byte[4];
        Stream source = stream;
        long? available = null;
        uint? gzipSize = null;
        int peeked;
        if (stream.CanSeek)
        {
            long start = stream.Position;
            available = stream.Length - start;
            peeked = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            if (available >= 4)
            {
                // The gzip trailer ends with ISIZE, the decompressed length modulo 2^32 (RFC 1952, 2.3.1).
                stream.Position = start + available.Value - 4;
                if (stream.ReadAtLeast(trailer, trailer.Length, throwOnEndOfStream: false) == 4)
                {
                    gzipSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
                }
            }

            stream.Position = start;
        }
        else
        {
            peeked = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            source = new PrefixedReadStream(magic[..peeked], stream);
        }

        bool compressed = peeked == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        Stream data = compressed ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true) : source;
        Stream? owned = leaveOpen ? null : stream;
        try
        {
            IdxHeader header = Guard(fileName, () => IdxHeader.Read(data, fileName));
            bool verified = false;
            bool confirmed = false;
            if (available is long length)
            {
                if (compressed)
                {
                    long claimed = header.HeaderLength + header.DataLength;
                    if (header.DataLength > (long.MaxValue / MaxDeflateRatio) - header.HeaderLength || claimed > length * MaxDeflateRatio)
                    {
                        throw new IdxFormatException(fileName, $"header {header} claims {claimed} decompressed bytes, but {length} gzip bytes can hold at most {length * MaxDeflateRatio}.");
                    }

                    confirmed = gzipSize == (uint)claimed;
                }
                else
                {
                    long found = length - header.HeaderLength;
                    if (found < header.DataLength)
                    {
                        throw new IdxFormatException(fileName, $"truncated data: header {header} needs {header.DataLength} data bytes after the {header.HeaderLength}-byte header, found {found}.");
                    }

                    if (found > header.DataLength)
                    {
                        throw new IdxFormatException(fileName, $"trailing bytes: header {header} needs {header.DataLength} data bytes after the {header.HeaderLength}-byte header, found {found} ({found - header.DataLength} too many).");
                    }

                    verified = true;
                    confirmed = true;
                }
            }

            return new IdxReader(data, owned, fileName, header, compressed, verified, confirmed, compressed ? gzipSize : null);
        }
        catch
        {
            if (compressed)
            {
                data.Dispose();
            }

            throw;
        }
    }

    /// <summary>Reads a whole IDX file into a new array.</summary>
    /// <typeparam name="T">The element type matching the file's type code (see <see cref="IdxHeader.ElementTypeOf{T}"/>).</typeparam>
    /// <param name="path">The file, raw or gzipped.</param>
    /// <param name="header">The file's header (its dimensions give the shape of the array).</param>
    /// <returns>The elements, row-major, in native byte order.</returns>
    /// <exception cref="IdxFormatException">The file is malformed or holds another element type.</exception>
    public static T[] ReadFile<T>(string path, out IdxHeader header)
        where T : unmanaged
    {
        using IdxReader reader = Open(path);
        header = reader.Header;
        return reader.ReadAll<T>();
    }

    /// <summary>
    /// Reads the next <c>destination.Length</c> elements into <paramref name="destination"/>, converting them from
    /// big-endian to native order. After the last element, checks that the file ends there.
    /// </summary>
    /// <typeparam name="T">The element type matching the file's type code.</typeparam>
    /// <param name="destination">Where to put the elements; at most <see cref="RemainingElements"/> of them.</param>
    /// <exception cref="IdxFormatException">The file holds another element type, is truncated, is corrupt, or has
    /// bytes after its last element.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More elements are requested than remain.</exception>
    public void ReadElements<T>(Span<T> destination)
        where T : unmanaged
    {
        IdxElementType requested = IdxHeader.ElementTypeOf<T>();
        if (requested != Header.ElementType)
        {
            throw new IdxFormatException(FileName, $"element type: expected {requested} (0x{(byte)requested:X2}), found {Header.ElementType} (0x{(byte)Header.ElementType:X2}).");
        }

        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        ReadBytes(bytes);
        if (BitConverter.IsLittleEndian)
        {
            ReverseEndianness(bytes, Header.ElementSizeInBytes);
        }
    }

    /// <summary>
    /// Reads the next <c>destination.Length</c> bytes of data as stored (multi-byte elements stay big-endian).
    /// After the last byte, checks that the file ends there.
    /// </summary>
    /// <param name="destination">A whole number of elements, at most the bytes that remain.</param>
    /// <exception cref="IdxFormatException">The file is truncated, corrupt, or has bytes after its last element.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More bytes are requested than remain.</exception>
    /// <exception cref="ArgumentException">The length is not a whole number of elements.</exception>
    public void ReadBytes(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, _remaining, nameof(destination));
        if (destination.Length % Header.ElementSizeInBytes != 0)
        {
            throw new ArgumentException($"{destination.Length} bytes are not a whole number of {Header.ElementSizeInBytes}-byte elements.", nameof(destination));
        }

        if (destination.IsEmpty)
        {
            return;
        }

        int got = ReadFully(destination);
        if (got < destination.Length)
        {
            long found = Header.DataLength - _remaining + got;
            _remaining = 0;
            throw new IdxFormatException(FileName, $"truncated data: header {Header} needs {Header.DataLength} data bytes after the {Header.HeaderLength}-byte header{Decompressed}, found {found}.");
        }

        _remaining -= got;
        if (_remaining == 0)
        {
            VerifyEnd();
        }
    }

    /// <summary>Reads every remaining element into a new array.</summary>
    /// <typeparam name="T">The element type matching the file's type code.</typeparam>
    /// <returns>The elements, in native byte order.</returns>
    /// <exception cref="IdxFormatException">The file is malformed, holds another type, or is too large for an array.</exception>
    public T[] ReadAll<T>()
        where T : unmanaged
    {
        IdxElementType requested = IdxHeader.ElementTypeOf<T>();
        if (requested != Header.ElementType)
        {
            throw new IdxFormatException(FileName, $"element type: expected {requested} (0x{(byte)requested:X2}), found {Header.ElementType} (0x{(byte)Header.ElementType:X2}).");
        }

        long count = RemainingElements;
        if (count > Array.MaxLength || _remaining > int.MaxValue)
        {
            throw new IdxFormatException(FileName, $"header {Header} describes {Header.DataLength} bytes: expected at most {int.MaxValue} to fit one array.");
        }

        if (LengthConfirmed || _remaining <= UnconfirmedAllocationLimit)
        {
            var result = GC.AllocateUninitializedArray<T>((int)count);
            ReadElements<T>(result);
            return result;
        }

        // The claim is not corroborated: allocate only as the data really arrives, so a short stream that claims
        // gigabytes fails after reading what it has, not after allocating what it claims.
        var buffer = GC.AllocateUninitializedArray<T>(UnconfirmedAllocationLimit / Header.ElementSizeInBytes);
        int filled = 0;
        while (true)
        {
            ReadElements(buffer.AsSpan(filled));
            filled = buffer.Length;
            if (filled == count)
            {
                return buffer;
            }

            Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
        }
    }

    /// <summary>Closes the file (unless the reader was opened with leaveOpen).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (IsCompressed)
        {
            _data.Dispose();
        }

        _owned?.Dispose();
    }

    private string Decompressed => IsCompressed ? " (decompressed)" : string.Empty;

    private static T Guard<T>(string fileName, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException ex)
        {
            throw new IdxFormatException(fileName, $"corrupt gzip data: {ex.Message}", ex);
        }
    }

    private static void ReverseEndianness(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                Span<short> shorts = MemoryMarshal.Cast<byte, short>(bytes);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                Span<int> ints = MemoryMarshal.Cast<byte, int>(bytes);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                Span<long> longs = MemoryMarshal.Cast<byte, long>(bytes);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
            default:
                break;
        }
    }

    private int ReadFully(Span<byte> destination)
    {
        try
        {
            return _data.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw new IdxFormatException(FileName, $"corrupt gzip data: {ex.Message}", ex);
        }
    }

    private void VerifyEnd()
    {
        if (LengthVerified)
        {
            return;
        }

        Span<byte> one = stackalloc byte[1];
        if (ReadFully(one) != 0)
        {
            throw new IdxFormatException(FileName, $"trailing bytes: header {Header} needs {Header.DataLength} data bytes after the {Header.HeaderLength}-byte header{Decompressed}, found more.");
        }

        // .NET's GZipStream neither requires the 8-byte trailer nor rejects bytes after the gzip stream; where the
        // file's end can be seen, its last 4 bytes must be the trailer's ISIZE of what was just decompressed.
        uint size = (uint)(Header.HeaderLength + Header.DataLength);
        if (IsCompressed && _gzipTrailerSize is uint trailer && trailer != size)
        {
            throw new IdxFormatException(FileName, $"gzip trailer: expected its last 4 bytes to give the decompressed size {size} (mod 2^32), found {trailer}: the gzip stream is truncated or followed by other bytes (a multi-member gzip must be recompressed as one member).");
        }
    }
}
