using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace LeNet5.Serialization;

/// <summary>
/// Reads and writes <see href="https://github.com/huggingface/safetensors">safetensors</see> files holding float32
/// (<c>F32</c>) tensors. The reader is strict: anything the format forbids, or this library does not support, is
/// rejected with a <see cref="SafeTensorsFormatException"/> before any tensor memory is allocated. The writer is
/// atomic: it writes a temporary file next to the target and moves it into place.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>The largest header the format allows, in bytes (the reference implementation's limit).</summary>
    public const int MaxHeaderLength = 100_000_000;

    private const int LengthPrefixSize = sizeof(ulong);
    private const int HeaderAlignment = 8;
    private const string DTypeField = "dtype";
    private const string ShapeField = "shape";
    private const string OffsetsField = "data_offsets";
    private const string F32 = "F32";

    /// <summary>Floats per read or write call; keeps each byte span well below <see cref="int.MaxValue"/>.</summary>
    private const int ChunkElements = 1 << 24;

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Reads a safetensors file whose tensors are all <c>F32</c>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors in header order and the metadata.</returns>
    /// <exception cref="SafeTensorsFormatException">The file is malformed, truncated, or holds a dtype other than <c>F32</c>.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static SafeTensorsDocument Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < LengthPrefixSize)
        {
            throw Error(path, null, $"expected at least {LengthPrefixSize} bytes (the little-endian header length), found a file of {fileLength} bytes.");
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        ReadExactly(handle, prefix, 0, path, null);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        ulong available = (ulong)(fileLength - LengthPrefixSize);
        if (headerLength > available)
        {
            throw Error(path, null, $"the header length prefix says {headerLength} bytes, but only {available} bytes follow it in the {fileLength}-byte file.");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw Error(path, null, $"the header length is {headerLength} bytes; the format allows at most {MaxHeaderLength}.");
        }

        byte[] header = new byte[(int)headerLength];
        ReadExactly(handle, header, LengthPrefixSize, path, null);

        long dataStart = LengthPrefixSize + (long)headerLength;
        long dataLength = fileLength - dataStart;
        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(path, header, dataLength);
        ValidateLayout(path, entries, dataLength);

        // Every entry now lies inside the real file, so the allocations below are bounded by the file size.
        // Entries are sorted by offset and contiguous: this is one sequential pass over the data section.
        var tensors = new SafeTensor[entries.Count];
        foreach (Entry entry in entries)
        {
            float[] data = entry.Count == 0 ? [] : new float[entry.Count];
            ReadFloats(handle, data, dataStart + entry.Begin, path, entry.Name);
            tensors[entry.Index] = SafeTensor.FromOwned(entry.Name, entry.Shape, data);
        }

        return new SafeTensorsDocument(path, tensors, metadata);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> as <c>F32</c> tensors, in the given order and contiguous, to
    /// <paramref name="path"/>. The file is first written and flushed to disk under a temporary name in the same
    /// directory, then moved over <paramref name="path"/>; on failure the temporary file is deleted and an existing
    /// file at <paramref name="path"/> is left untouched.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> entries; omitted from the file when null or empty.</param>
    /// <exception cref="ArgumentException">A tensor is null, two tensors share a name, a metadata value is null or not well-formed Unicode, or the header would exceed <see cref="MaxHeaderLength"/>.</exception>
    /// <exception cref="IOException">The file cannot be written (also for a denied access); the message names <paramref name="path"/>, not the temporary file.</exception>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);

        // Materialise and validate everything before touching the file system.
        List<SafeTensor> list = [.. tensors];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            SafeTensor? tensor = list[i] ?? throw new ArgumentException($"tensors[{i}] is null.", nameof(tensors));
            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"Two tensors are named '{tensor.Name}'; tensor names must be unique.", nameof(tensors));
            }
        }

        List<KeyValuePair<string, string>> meta = [];
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> pair in metadata)
            {
                SafeTensor.ValidateUnicode(pair.Key, nameof(metadata));
                if (pair.Value is null)
                {
                    throw new ArgumentException($"Metadata entry '{pair.Key}' has a null value.", nameof(metadata));
                }

                SafeTensor.ValidateUnicode(pair.Value, nameof(metadata));
                meta.Add(pair);
            }

            meta.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        byte[] header = BuildHeader(list, meta);

        string fullPath = Path.GetFullPath(path);
        string tempPath = fullPath + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        bool created = false;
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                created = true;
                Span<byte> prefix = stackalloc byte[LengthPrefixSize];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (SafeTensor tensor in list)
                {
                    WriteFloats(stream, tensor.Data.Span);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (created)
            {
                TryDelete(tempPath);
            }

            // The temporary name is an implementation detail: the message names the file asked for.
            string message = $"Cannot write '{fullPath}': {e.Message.Replace(tempPath, fullPath, StringComparison.Ordinal)}";
            throw e is DirectoryNotFoundException ? new DirectoryNotFoundException(message, e) : new IOException(message, e);
        }
        catch
        {
            if (created)
            {
                TryDelete(tempPath);
            }

            throw;
        }
    }

    private static byte[] BuildHeader(List<SafeTensor> tensors, List<KeyValuePair<string, string>> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensor.MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafeTensor tensor in tensors)
            {
                long end = offset + (sizeof(float) * (long)tensor.Data.Length);
                json.WriteStartObject(tensor.Name);
                json.WriteString(DTypeField, F32);
                json.WriteStartArray(ShapeField);
                foreach (int dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray(OffsetsField);
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        int length = buffer.WrittenCount;
        int padded = length + ((HeaderAlignment - ((LengthPrefixSize + length) % HeaderAlignment)) % HeaderAlignment);
        if (padded > MaxHeaderLength)
        {
            throw new ArgumentException($"The header would be {padded} bytes; the format allows at most {MaxHeaderLength}.", nameof(tensors));
        }

        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header, long dataLength)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            string found = header.Length == 0 ? "an empty header" : $"byte 0x{header[0]:X2}";
            throw Error(path, null, $"expected the header to start with '{{' (a JSON object), found {found}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.AsMemory());
        }
        catch (JsonException e)
        {
            throw Error(path, null, $"expected the header to be valid UTF-8 JSON, found invalid JSON: {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return ParseHeader(path, document.RootElement, dataLength);
            }
            catch (InvalidOperationException e)
            {
                // Raised by System.Text.Json for strings that are valid JSON but not valid Unicode (e.g. "\ud800").
                throw Error(path, null, $"expected the header's strings to be well-formed Unicode, found one that is not: {e.Message}", e);
            }
        }
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, null, $"expected the header to be a JSON object, found {Describe(root)}.");
        }

        var entries = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? metadata = null;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            string name = property.Name;
            if (name == SafeTensor.MetadataKey)
            {
                if (metadata is not null)
                {
                    throw Error(path, null, $"expected at most one '{SafeTensor.MetadataKey}' entry, found two.");
                }

                metadata = ParseMetadata(path, property.Value);
                continue;
            }

            if (name.Length == 0)
            {
                throw Error(path, name, "expected a non-empty tensor name, found \"\".");
            }

            if (!names.Add(name))
            {
                throw Error(path, name, "expected unique tensor names, found this name twice.");
            }

            entries.Add(ParseEntry(path, name, property.Value, entries.Count, dataLength));
        }

        return (entries, metadata ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, null, $"expected '{SafeTensor.MetadataKey}' to be an object of strings, found {Describe(element)}.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(path, null, $"expected metadata entry '{property.Name}' to be a string, found {Describe(property.Value)}.");
            }

            if (!metadata.TryAdd(property.Name, property.Value.GetString()!))
            {
                throw Error(path, null, $"expected unique metadata keys, found '{property.Name}' twice.");
            }
        }

        return metadata;
    }

    private static Entry ParseEntry(string path, string name, JsonElement element, int index, long dataLength)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, name, $"expected an object with '{DTypeField}', '{ShapeField}' and '{OffsetsField}', found {Describe(element)}.");
        }

        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (JsonProperty field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case DTypeField when dtype is null:
                    dtype = field.Value;
                    break;
                case ShapeField when shape is null:
                    shape = field.Value;
                    break;
                case OffsetsField when offsets is null:
                    offsets = field.Value;
                    break;
                case DTypeField or ShapeField or OffsetsField:
                    throw Error(path, name, $"expected field '{field.Name}' once, found it twice.");
                default:
                    throw Error(path, name, $"expected only the fields '{DTypeField}', '{ShapeField}' and '{OffsetsField}', found '{field.Name}'.");
            }
        }

        JsonElement dtypeValue = dtype ?? throw Error(path, name, $"expected a '{DTypeField}' field, found none.");
        JsonElement shapeValue = shape ?? throw Error(path, name, $"expected a '{ShapeField}' field, found none.");
        JsonElement offsetsValue = offsets ?? throw Error(path, name, $"expected a '{OffsetsField}' field, found none.");

        if (dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw Error(path, name, $"expected '{DTypeField}' to be a string, found {Describe(dtypeValue)}.");
        }

        string dtypeText = dtypeValue.GetString()!;
        if (dtypeText != F32)
        {
            throw Error(path, name, $"expected dtype \"{F32}\" (the only one supported), found \"{dtypeText}\".");
        }

        int[] dims = ParseShape(path, name, shapeValue);
        (long begin, long end) = ParseOffsets(path, name, offsetsValue, dataLength);

        // Element count with overflow detection; a zero dimension makes the whole product zero.
        long count = 1;
        if (Array.IndexOf(dims, 0) >= 0)
        {
            count = 0;
        }
        else
        {
            foreach (int dim in dims)
            {
                if (count > long.MaxValue / dim)
                {
                    throw Error(path, name, $"expected a shape whose element count fits in 64 bits, found {SafeTensor.FormatShape(dims)}.");
                }

                count *= dim;
            }
        }

        long byteLength = end - begin;
        if (byteLength % sizeof(float) != 0 || count != byteLength / sizeof(float))
        {
            throw Error(
                path,
                name,
                $"expected data_offsets to span {count} F32 elements ({sizeof(float)} bytes each) for shape {SafeTensor.FormatShape(dims)}, " +
                $"found [{begin}, {end}], which spans {byteLength} bytes.");
        }

        if (count > Array.MaxLength)
        {
            throw Error(path, name, $"expected at most {Array.MaxLength} elements per tensor, found {count}.");
        }

        return new Entry(name, dims, count, begin, end, index);
    }

    private static int[] ParseShape(string path, string name, JsonElement shape)
    {
        if (shape.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, name, $"expected '{ShapeField}' to be an array of non-negative integers, found {Describe(shape)}.");
        }

        int[] dims = new int[shape.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long value) || value < 0)
            {
                throw Error(path, name, $"expected dimension {i} of '{ShapeField}' to be a non-negative integer, found {Describe(dim)}.");
            }

            if (value > int.MaxValue)
            {
                throw Error(path, name, $"expected dimension {i} of '{ShapeField}' to be at most {int.MaxValue}, found {value}.");
            }

            dims[i++] = (int)value;
        }

        return dims;
    }

    private static (long Begin, long End) ParseOffsets(string path, string name, JsonElement offsets, long dataLength)
    {
        if (offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Error(path, name, $"expected '{OffsetsField}' to be an array of two non-negative integers [begin, end], found {Describe(offsets)}.");
        }

        ulong begin = ParseOffset(path, name, offsets[0], "begin");
        ulong end = ParseOffset(path, name, offsets[1], "end");
        if (begin > end)
        {
            throw Error(path, name, $"expected data_offsets begin <= end, found [{begin}, {end}].");
        }

        if (end > (ulong)dataLength)
        {
            throw Error(path, name, $"expected data_offsets within the {dataLength}-byte data section, found [{begin}, {end}].");
        }

        return ((long)begin, (long)end);
    }

    private static ulong ParseOffset(string path, string name, JsonElement element, string which)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetUInt64(out ulong value))
        {
            throw Error(path, name, $"expected the {which} offset in '{OffsetsField}' to be a non-negative integer, found {Describe(element)}.");
        }

        return value;
    }

    private static void ValidateLayout(string path, List<Entry> entries, long dataLength)
    {
        entries.Sort(static (a, b) =>
        {
            int c = a.Begin.CompareTo(b.Begin);
            if (c == 0)
            {
                c = a.End.CompareTo(b.End);
            }

            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });

        long covered = 0;
        Entry? previous = null;
        foreach (Entry entry in entries)
        {
            if (entry.Begin < covered)
            {
                throw Error(
                    path,
                    entry.Name,
                    $"expected tensors not to overlap, found data_offsets [{entry.Begin}, {entry.End}] overlapping tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}].");
            }

            if (entry.Begin > covered)
            {
                throw Error(
                    path,
                    entry.Name,
                    $"expected the data section to be fully indexed, found {entry.Begin - covered} unindexed bytes [{covered}, {entry.Begin}) before this tensor's data_offsets [{entry.Begin}, {entry.End}].");
            }

            covered = entry.End;
            previous = entry;
        }

        if (covered != dataLength)
        {
            throw Error(
                path,
                null,
                $"expected the tensors to cover the whole {dataLength}-byte data section, found {dataLength - covered} unindexed trailing bytes after offset {covered}.");
        }
    }

    private static void ReadFloats(SafeFileHandle handle, float[] data, long fileOffset, string path, string name)
    {
        for (int start = 0; start < data.Length; start += ChunkElements)
        {
            Span<float> chunk = data.AsSpan(start, Math.Min(ChunkElements, data.Length - start));
            ReadExactly(handle, MemoryMarshal.AsBytes(chunk), fileOffset + (sizeof(float) * (long)start), path, name);
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(chunk);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long fileOffset, string path, string? name)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
            {
                // Only possible if the file shrank after its length was checked.
                throw Error(path, name, $"expected {destination.Length} more bytes at offset {fileOffset}, found the end of the file (was it modified while being read?).");
            }

            destination = destination[read..];
            fileOffset += read;
        }
    }

    private static void WriteFloats(FileStream stream, ReadOnlySpan<float> data)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (int start = 0; start < data.Length; start += ChunkElements)
            {
                stream.Write(MemoryMarshal.AsBytes(data.Slice(start, Math.Min(ChunkElements, data.Length - start))));
            }

            return;
        }

        int[] buffer = ArrayPool<int>.Shared.Rent(4096);
        try
        {
            ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(data);
            for (int start = 0; start < bits.Length; start += buffer.Length)
            {
                ReadOnlySpan<int> source = bits.Slice(start, Math.Min(buffer.Length, bits.Length - start));
                Span<int> swapped = buffer.AsSpan(0, source.Length);
                BinaryPrimitives.ReverseEndianness(source, swapped);
                stream.Write(MemoryMarshal.AsBytes(swapped));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is more useful than this one.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }

    private static string Describe(JsonElement element)
    {
        string raw = element.GetRawText();
        if (raw.Length > 64)
        {
            raw = string.Concat(raw.AsSpan(0, 61), "...");
        }

        return element.ValueKind switch
        {
            JsonValueKind.Object => $"an object {raw}",
            JsonValueKind.Array => $"an array {raw}",
            JsonValueKind.String => $"the string {raw}",
            JsonValueKind.Number => $"the number {raw}",
            _ => raw,
        };
    }

    private static SafeTensorsFormatException Error(string path, string? tensorName, string detail, Exception? inner = null) =>
        new(path, tensorName, detail, inner);

    private sealed record Entry(string Name, int[] Shape, long Count, long Begin, long End, int Index);
}
