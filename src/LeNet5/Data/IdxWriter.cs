using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace LeNet5.Data;

/// <summary>
/// Writes an IDX file, raw or gzipped: the header, then the elements big-endian, streamed from the caller's spans.
/// The files are the standard format (readable by any IDX reader, gzip readable by gzip) and read back
/// identically with <see cref="IdxReader"/>.
/// </summary>
public sealed class IdxWriter : IDisposable
{
    private const int ChunkBytes = 1 << 16;

    private readonly Stream _data;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _compressed;
    private long _remaining;
    private bool _completed;
    private bool _disposed;

    /// <summary>Starts an IDX file in <paramref name="stream"/> and writes its header.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="header">The element type and dimensions of the data that will follow.</param>
    /// <param name="gzip">Whether to gzip the file.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="stream"/> open.</param>
    public IdxWriter(Stream stream, IdxHeader header, bool gzip = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _compressed = gzip;
        _data = gzip ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true) : stream;
        Header = header;
        _remaining = header.DataLength;

        Span<byte> bytes = stackalloc byte[IdxHeader.HeaderLengthFor(IdxHeader.MaxRank)];
        bytes = bytes[..header.HeaderLength];
        header.WriteTo(bytes);
        _data.Write(bytes);
    }

    /// <summary>The header written.</summary>
    public IdxHeader Header { get; }

    /// <summary>The number of elements still to be written.</summary>
    public long RemainingElements => _remaining / Header.ElementSizeInBytes;

    /// <summary>Writes a whole IDX file: to a temporary name beside <paramref name="path"/>, then renamed.</summary>
    /// <typeparam name="T">The element type: <see cref="byte"/>, <see cref="sbyte"/>, <see cref="short"/>,
    /// <see cref="int"/>, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The elements, row-major; as many as the dimensions' product.</param>
    /// <param name="dimensions">The sizes, outermost first.</param>
    /// <param name="gzip">Whether to gzip the file.</param>
    /// <exception cref="ArgumentException">The dimensions are invalid or do not match the data's length.</exception>
    public static void WriteFile<T>(string path, ReadOnlySpan<T> data, ReadOnlySpan<int> dimensions, bool gzip = false)
        where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var header = new IdxHeader(IdxHeader.ElementTypeOf<T>(), dimensions);
        if (header.ElementCount != data.Length)
        {
            throw new ArgumentException($"The dimensions [{string.Join(", ", dimensions.ToArray())}] hold {header.ElementCount} elements; the data has {data.Length}.", nameof(data));
        }

        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: ChunkBytes))
            using (var writer = new IdxWriter(file, header, gzip))
            {
                writer.WriteElements(data);
                writer.Complete();
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the next elements, converting them to big-endian.</summary>
    /// <typeparam name="T">The type matching <see cref="IdxHeader.ElementType"/>.</typeparam>
    /// <param name="elements">At most <see cref="RemainingElements"/> elements.</param>
    /// <exception cref="ArgumentException">The type does not match the header, or there are too many elements.</exception>
    public void WriteElements<T>(ReadOnlySpan<T> elements)
        where T : unmanaged
    {
        IdxElementType type = IdxHeader.ElementTypeOf<T>();
        if (type != Header.ElementType)
        {
            throw new ArgumentException($"The file holds {Header.ElementType}; these elements are {type}.", nameof(elements));
        }

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(elements);
        int size = Header.ElementSizeInBytes;
        if (size == 1 || !BitConverter.IsLittleEndian)
        {
            WriteBytes(bytes);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, _remaining, nameof(elements));
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (!bytes.IsEmpty)
            {
                int n = Math.Min(bytes.Length, ChunkBytes);
                Span<byte> swapped = chunk.AsSpan(0, n);
                switch (size)
                {
                    case 2:
                        BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(bytes[..n]), MemoryMarshal.Cast<byte, short>(swapped));
                        break;
                    case 4:
                        BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bytes[..n]), MemoryMarshal.Cast<byte, int>(swapped));
                        break;
                    default:
                        BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(bytes[..n]), MemoryMarshal.Cast<byte, long>(swapped));
                        break;
                }

                WriteBytes(swapped);
                bytes = bytes[n..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Writes the next bytes of data as they are (multi-byte elements must already be big-endian).</summary>
    /// <param name="bytes">A whole number of elements, at most the bytes that remain.</param>
    /// <exception cref="ArgumentException">Too many bytes, or not a whole number of elements.</exception>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes.Length, _remaining, nameof(bytes));
        if (bytes.Length % Header.ElementSizeInBytes != 0)
        {
            throw new ArgumentException($"{bytes.Length} bytes are not a whole number of {Header.ElementSizeInBytes}-byte elements.", nameof(bytes));
        }

        _data.Write(bytes);
        _remaining -= bytes.Length;
    }

    /// <summary>Checks that every element was written and finishes the file (flushes, ends the gzip stream).</summary>
    /// <exception cref="InvalidOperationException">Elements are missing.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_remaining != 0)
        {
            throw new InvalidOperationException($"The header {Header} promises {Header.ElementCount} elements; {RemainingElements} were not written.");
        }

        if (!_completed)
        {
            _completed = true;
            if (_compressed)
            {
                _data.Dispose();
            }

            _stream.Flush();
        }
    }

    /// <summary>Closes the stream (unless the writer was created with leaveOpen). Call <see cref="Complete"/> first.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_compressed && !_completed)
        {
            _data.Dispose();
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
