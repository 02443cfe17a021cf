using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using LeNet5.Serialization;

namespace LeNet5.Tests.Serialization;

public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly string _dir;

    public SafeTensorsFileTests()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lenet5-safetensors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ---------------------------------------------------------------- helpers

    private string PathFor(string name) => Path.Combine(_dir, name);

    private static float Bits(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    private static byte[] Floats(params float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>Builds a file by hand: length prefix, header bytes exactly as given, data.</summary>
    private static byte[] RawFile(byte[] header, byte[] data, ulong? claimedHeaderLength = null)
    {
        byte[] file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, claimedHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static byte[] RawFile(string headerJson, byte[] data) => RawFile(Encoding.UTF8.GetBytes(headerJson), data);

    private static string HeaderOf(byte[] file)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        return Encoding.UTF8.GetString(file, 8, checked((int)n));
    }

    private static void AssertBitExact(SafeTensor expected, SafeTensor actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(
            MemoryMarshal.Cast<float, uint>(expected.Data.Span).ToArray(),
            MemoryMarshal.Cast<float, uint>(actual.Data.Span).ToArray());
    }

    private SafeTensorsFormatException AssertRejected(string fileName, byte[] contents)
    {
        string path = PathFor(fileName);
        File.WriteAllBytes(path, contents);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found", ex.Message, StringComparison.Ordinal);
        return ex;
    }

    private string[] TempLeftovers() =>
        Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories)
            .Where(p => p.Contains(".tmp-", StringComparison.Ordinal))
            .ToArray();

    private static SafeTensor[] SampleTensors() =>
    [
        new("scalar", [], [Bits(0x7FC0_1234)]),
        new("specials", [12],
        [
            -0.0f, 0.0f, float.Epsilon, Bits(0x007F_FFFF), Bits(0x8000_0001), float.PositiveInfinity, float.NegativeInfinity,
            Bits(0x7FC0_0001), Bits(0xFFC1_2345), Bits(0x7F80_0001), float.MaxValue, float.MinValue,
        ]),
        new("conv1.weight", [2, 3], [1, 2, 3, 4, 5, 6]),
        new("rank4/ψβ", [1, 2, 1, 3], [.. Enumerable.Range(0, 6).Select(i => (float)(i * 0.1))]),
        new("empty", [0], []),
        new("empty3d", [3, 0, 2], []),
        new("after-empty", [2], [-1.5f, 1e-42f]),
    ];

    // ---------------------------------------------------------------- round trip and layout

    [Fact]
    public void RoundTrip_IsBitExact_WithMetadataScalarsAndZeroSizeTensors()
    {
        string path = PathFor("model.safetensors");
        SafeTensor[] tensors = SampleTensors();
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["note"] = "ünïcödé ✓ \"quoted\" <tag> & \\ \n tab\t 😀",
            ["empty"] = "",
        };

        SafeTensorsFile.Write(path, tensors, metadata);
        SafeTensorsDocument doc = SafeTensorsFile.Read(path);

        Assert.Equal(path, doc.Path);
        Assert.Equal(tensors.Length, doc.Tensors.Count);
        for (int i = 0; i < tensors.Length; i++)
        {
            AssertBitExact(tensors[i], doc.Tensors[i]);
            AssertBitExact(tensors[i], doc[tensors[i].Name]);
        }

        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), doc.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Empty(TempLeftovers());
    }

    [Fact]
    public void RoundTrip_OfAnEmptyTensorList_Works()
    {
        string path = PathFor("empty.safetensors");
        SafeTensorsFile.Write(path, []);
        SafeTensorsDocument doc = SafeTensorsFile.Read(path);
        Assert.Empty(doc.Tensors);
        Assert.Empty(doc.Metadata);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("abcdef")]
    [InlineData("abcdefg")]
    [InlineData("abcdefgh")]
    public void Write_PadsHeaderTo8Bytes_AndLaysTensorsOutContiguouslyInOrder(string name)
    {
        string path = PathFor("aligned.safetensors");
        SafeTensor[] tensors = [new(name, [3], [1, 2, 3]), new("z", [], [4]), new("e", [0, 5], []), new("m", [2, 1], [5, 6])];
        SafeTensorsFile.Write(path, tensors);

        byte[] file = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, (8 + n) % 8);
        Assert.Equal(8 + (long)n + (4 * 6), file.Length);
        string header = HeaderOf(file);
        Assert.StartsWith("{", header, StringComparison.Ordinal);
        Assert.EndsWith("}", header.TrimEnd(' '), StringComparison.Ordinal);
        Assert.DoesNotContain("__metadata__", header, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(header);
        string[] order = [.. json.RootElement.EnumerateObject().Select(p => p.Name)];
        Assert.Equal([name, "z", "e", "m"], order);
        long[][] offsets = [.. json.RootElement.EnumerateObject().Select(p => p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray())];
        Assert.Equal([[0L, 12L], [12L, 16L], [16L, 16L], [16L, 24L]], offsets);
        Assert.All(json.RootElement.EnumerateObject(), p => Assert.Equal("F32", p.Value.GetProperty("dtype").GetString()));

        // Data section is the little-endian floats, in order.
        Assert.Equal(Floats(1, 2, 3, 4, 5, 6), file[(8 + (int)n)..]);
    }

    [Fact]
    public void Write_OmitsMetadata_WhenEmpty_AndWritesItWhenGiven()
    {
        string path = PathFor("meta.safetensors");
        SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1])], new Dictionary<string, string>());
        Assert.DoesNotContain("__metadata__", HeaderOf(File.ReadAllBytes(path)), StringComparison.Ordinal);

        SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1])], new Dictionary<string, string> { ["k"] = "v" });
        using JsonDocument json = JsonDocument.Parse(HeaderOf(File.ReadAllBytes(path)));
        Assert.Equal("v", json.RootElement.GetProperty("__metadata__").GetProperty("k").GetString());
    }

    [Fact]
    public void Read_HandWrittenFile_IndependentOfTheWriter()
    {
        // Header order (b, a) differs from data order (a first); header padded with spaces; no writer involved.
        string header =
            "{\"b\":{\"shape\":[2,2],\"dtype\":\"F32\",\"data_offsets\":[8,24]}," +
            "\"__metadata__\":{\"format\":\"pt\",\"epoch\":\"3\"}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[24,28]}," +
            "\"z\":{\"dtype\":\"F32\",\"shape\":[4,0],\"data_offsets\":[28,28]}}    ";
        byte[] data = Floats(1.5f, -2.25f, 10, 20, 30, 40, float.NaN);
        string path = PathFor("hand.safetensors");
        File.WriteAllBytes(path, RawFile(header, data));

        SafeTensorsDocument doc = SafeTensorsFile.Read(path);

        Assert.Equal(["b", "a", "s", "z"], doc.Tensors.Select(t => t.Name));
        Assert.Equal([2, 2], doc["b"].Shape);
        Assert.Equal([10f, 20f, 30f, 40f], doc["b"].Data.ToArray());
        Assert.Equal([2], doc["a"].Shape);
        Assert.Equal([1.5f, -2.25f], doc["a"].Data.ToArray());
        Assert.Empty(doc["s"].Shape);
        Assert.Equal(BitConverter.SingleToUInt32Bits(float.NaN), BitConverter.SingleToUInt32Bits(doc["s"].Data.Span[0]));
        Assert.Equal([4, 0], doc["z"].Shape);
        Assert.True(doc["z"].Data.IsEmpty);
        Assert.Equal(2, doc.Metadata.Count);
        Assert.Equal("pt", doc.Metadata["format"]);
        Assert.Equal("3", doc.Metadata["epoch"]);
    }

    [Fact]
    public void Document_Lookup_ByName()
    {
        string path = PathFor("lookup.safetensors");
        SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [7])]);
        SafeTensorsDocument doc = SafeTensorsFile.Read(path);

        Assert.True(doc.TryGet("w", out SafeTensor? w));
        Assert.Equal(7f, w.Data.Span[0]);
        Assert.False(doc.TryGet("W", out SafeTensor? missing));
        Assert.Null(missing);
        var ex = Assert.Throws<KeyNotFoundException>(() => doc["nope"]);
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- SafeTensor

    [Fact]
    public void SafeTensor_CopiesItsInputs()
    {
        int[] shape = [2];
        float[] data = [1, 2];
        var t = new SafeTensor("t", shape, data);
        shape[0] = 5;
        data[0] = 99;
        Assert.Equal([2], t.Shape);
        Assert.Equal([1f, 2f], t.Data.ToArray());
    }

    [Fact]
    public void SafeTensor_RejectsMismatchedShapeAndBadNames()
    {
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentException>(() => new SafeTensor("w", [2, 3], new float[5])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SafeTensor("w", [], []));
        Assert.Throws<ArgumentException>(() => new SafeTensor("w", [-1], []));
        Assert.Throws<ArgumentException>(() => new SafeTensor("w", [65536, 65536, 0, -2], []));
        Assert.Throws<ArgumentException>(() => new SafeTensor("w", [65536, 65536], new float[1]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("", [1], [1]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("__metadata__", [1], [1]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("bad\ud800", [1], [1]));
        Assert.Throws<ArgumentNullException>(() => new SafeTensor(null!, [1], [1]));
        Assert.Empty(new SafeTensor("w", [65536, 65536, 0], []).Data.ToArray());
    }

    // ---------------------------------------------------------------- rejections

    private const string W = """{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""";

    public static TheoryData<string, string, int, string?, string> Malformed => new()
    {
        // case, header json, data bytes, offending tensor (or null), fragment expected in the message
        { "not-json", """{"w": nope}""", 0, null, "valid UTF-8 JSON" },
        { "truncated-json", """{"w":{"dtype":"F32" """, 0, null, "valid UTF-8 JSON" },
        { "trailing-json", "{} {}", 0, null, "valid UTF-8 JSON" },
        { "array-root", "[1,2]", 0, null, "found byte 0x5B" },
        { "string-root", "\"x\"", 0, null, "'{'" },
        { "leading-space", " {}", 0, null, "'{'" },
        { "non-object-entry", """{"w":[0,4]}""", 4, "w", "found an array [0,4]" },
        { "null-entry", """{"w":null}""", 0, "w", "found null" },
        { "missing-dtype", """{"w":{"shape":[1],"data_offsets":[0,4]}}""", 4, "w", "'dtype' field, found none" },
        { "missing-shape", """{"w":{"dtype":"F32","data_offsets":[0,4]}}""", 4, "w", "'shape' field, found none" },
        { "missing-offsets", """{"w":{"dtype":"F32","shape":[1]}}""", 4, "w", "'data_offsets' field, found none" },
        { "extra-field", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"device":"cpu"}}""", 4, "w", "found 'device'" },
        { "duplicate-field", """{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "w", "'dtype' once, found it twice" },
        { "dtype-number", """{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}""", 4, "w", "the number 32" },
        { "dtype-f16", """{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4, "w", "found \"F16\"" },
        { "dtype-bf16", """{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}""", 4, "w", "found \"BF16\"" },
        { "dtype-lowercase", """{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", 4, "w", "found \"f32\"" },
        { "shape-string", """{"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}""", 4, "w", "found the string \"1\"" },
        { "shape-negative", """{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}}""", 4, "w", "dimension 1 of 'shape' to be a non-negative integer, found the number -1" },
        { "shape-fraction", """{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 4, "w", "found the number 1.5" },
        { "shape-float-integral", """{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}""", 4, "w", "found the number 1.0" },
        { "shape-exponent", """{"w":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}""", 4, "w", "found the number 1e0" },
        { "shape-string-dim", """{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", 4, "w", "found the string \"1\"" },
        { "shape-huge-dim", """{"w":{"dtype":"F32","shape":[1099511627776],"data_offsets":[0,4]}}""", 4, "w", "at most 2147483647, found 1099511627776" },
        { "shape-beyond-int64", """{"w":{"dtype":"F32","shape":[99999999999999999999999],"data_offsets":[0,4]}}""", 4, "w", "found the number 99999999999999999999999" },
        { "shape-overflow", """{"w":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}""", 4, "w", "fits in 64 bits" },
        { "shape-size-mismatch", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4, "w", "span 2 F32 elements (4 bytes each) for shape [2], found [0, 4], which spans 4 bytes" },
        { "shape-size-not-multiple", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,3]},"x":{"dtype":"F32","shape":[0],"data_offsets":[3,3]}}""", 3, "w", "which spans 3 bytes" },
        { "offsets-object", """{"w":{"dtype":"F32","shape":[1],"data_offsets":{"begin":0}}}""", 4, "w", "found an object" },
        { "offsets-one", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[4]}}""", 4, "w", "found an array [4]" },
        { "offsets-three", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 4, "w", "found an array [0,4,8]" },
        { "offsets-negative", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 4, "w", "begin offset in 'data_offsets' to be a non-negative integer, found the number -4" },
        { "offsets-fraction", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}""", 4, "w", "end offset in 'data_offsets' to be a non-negative integer, found the number 4.0" },
        { "offsets-string", """{"w":{"dtype":"F32","shape":[1],"data_offsets":["0",4]}}""", 4, "w", "found the string \"0\"" },
        { "offsets-reversed", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8, "w", "begin <= end, found [8, 4]" },
        { "offsets-beyond-data", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "w", "within the 4-byte data section, found [0, 8]" },
        { "offsets-beyond-uint64", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}""", 4, "w", "found the number 18446744073709551616" },
        { "offsets-uint64-max", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551611,18446744073709551615]}}""", 4, "w", "within the 4-byte data section" },
        { "duplicate-tensor", "{\"w\":" + W + ",\"w\":" + W + "}", 4, "w", "unique tensor names, found this name twice" },
        { "empty-name", "{\"\":" + W + "}", 4, "", "non-empty tensor name" },
        { "overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "b", "overlapping tensor 'a' at [0, 8]" },
        { "same-offsets", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "b", "overlapping tensor 'a'" },
        { "empty-inside-other", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}""", 8, "e", "overlapping tensor 'a'" },
        { "hole", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "b", "4 unindexed bytes [4, 8)" },
        { "leading-hole", """{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "b", "4 unindexed bytes [0, 4)" },
        { "trailing-bytes", "{\"w\":" + W + "}", 9, null, "found 5 unindexed trailing bytes after offset 4" },
        { "data-without-tensors", "{}", 4, null, "found 4 unindexed trailing bytes after offset 0" },
        { "metadata-number", "{\"__metadata__\":{\"epoch\":3},\"w\":" + W + "}", 4, null, "metadata entry 'epoch' to be a string, found the number 3" },
        { "metadata-null", "{\"__metadata__\":{\"k\":null},\"w\":" + W + "}", 4, null, "metadata entry 'k' to be a string, found null" },
        { "metadata-nested", "{\"__metadata__\":{\"k\":{\"a\":\"b\"}},\"w\":" + W + "}", 4, null, "metadata entry 'k' to be a string, found an object" },
        { "metadata-not-object", "{\"__metadata__\":[\"a\"],\"w\":" + W + "}", 4, null, "'__metadata__' to be an object of strings, found an array" },
        { "metadata-duplicate-key", "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"},\"w\":" + W + "}", 4, null, "unique metadata keys, found 'k' twice" },
        { "metadata-twice", "{\"__metadata__\":{},\"__metadata__\":{},\"w\":" + W + "}", 4, null, "at most one '__metadata__' entry, found two" },
        { "lone-surrogate-name", "{\"bad\\ud800\":" + W + "}", 4, null, "well-formed Unicode" },
        { "comment", "{/* c */\"w\":" + W + "}", 4, null, "valid UTF-8 JSON" },
        { "trailing-comma", "{\"w\":" + W + ",}", 4, null, "valid UTF-8 JSON" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_RejectsMalformedHeader_WithFileTensorExpectedAndFound(string caseName, string header, int dataBytes, string? tensor, string fragment)
    {
        SafeTensorsFormatException ex = AssertRejected(caseName + ".safetensors", RawFile(header, new byte[dataBytes]));
        TestContext.Current.TestOutputHelper?.WriteLine(ex.Message);

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Equal(tensor, ex.TensorName);
        if (tensor is not null)
        {
            Assert.Contains($"tensor '{tensor}'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_AcceptsEveryValidVariantOfTheRejectedCases()
    {
        // Guards the rejection theory: the "good" neighbour of the malformed headers does read.
        string path = PathFor("good.safetensors");
        File.WriteAllBytes(path, RawFile("{\"__metadata__\":{\"k\":\"v\"},\"w\":" + W + "}", Floats(3)));
        SafeTensorsDocument doc = SafeTensorsFile.Read(path);
        Assert.Equal(3f, doc["w"].Data.Span[0]);
        Assert.Equal("v", doc.Metadata["k"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Read_RejectsFileShorterThan8Bytes(int length)
    {
        SafeTensorsFormatException ex = AssertRejected("short.safetensors", new byte[length]);
        Assert.Contains($"found a file of {length} bytes", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.TensorName);
    }

    [Fact]
    public void Read_RejectsEmptyHeader()
    {
        SafeTensorsFormatException ex = AssertRejected("empty-header.safetensors", RawFile([], []));
        Assert.Contains("found an empty header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsInvalidUtf8InHeader()
    {
        byte[] header = [.. "{\"w\xFF\":"u8, .. Encoding.UTF8.GetBytes(W), (byte)'}'];
        header[3] = 0xFF;
        SafeTensorsFormatException ex = AssertRejected("utf8.safetensors", RawFile(header, new byte[4]));
        Assert.Contains("valid UTF-8 JSON", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9UL)]
    [InlineData(1000UL)]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void Read_16ByteFileClaimingAHugeHeader_FailsFastWithoutAllocating(ulong claimed)
    {
        string path = PathFor("huge-header.safetensors");
        File.WriteAllBytes(path, RawFile("{}      "u8.ToArray(), [], claimed));
        Assert.Equal(16, new FileInfo(path).Length);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains($"says {claimed} bytes, but only 8 bytes follow it in the 16-byte file", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Read_HeaderAboveTheFormatCap_IsRejectedEvenWhenTheFileIsLargeEnough()
    {
        string path = PathFor("cap.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, SafeTensorsFile.MaxHeaderLength + 1UL);
            stream.Write(prefix);
            stream.SetLength(8 + SafeTensorsFile.MaxHeaderLength + 8L); // sparse on most file systems
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("the header length is 100000001 bytes; the format allows at most 100000000", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("[1048576,1048576]", "[0,4398046511104]", "within the 4-byte data section")]
    [InlineData("[1048576,1048576]", "[0,4]", "span 1099511627776 F32 elements")]
    [InlineData("[1099511627776]", "[0,4398046511104]", "at most 2147483647")]
    public void Read_TensorOf2Pow40Elements_FailsFastWithoutAllocating(string shape, string offsets, string fragment)
    {
        string path = PathFor("big.safetensors");
        string header = "{\"big\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
        File.WriteAllBytes(path, RawFile(header, new byte[4]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("big", ex.TensorName);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Read_FileTruncatedAtEveryByte_AlwaysThrowsFormatException()
    {
        string source = PathFor("source.safetensors");
        SafeTensorsFile.Write(
            source,
            [new SafeTensor("a", [2, 2], [1, 2, 3, 4]), new SafeTensor("s", [], [5]), new SafeTensor("e", [0], []), new SafeTensor("b", [3], [6, 7, 8])],
            new Dictionary<string, string> { ["k"] = "v" });
        byte[] full = File.ReadAllBytes(source);
        Assert.Equal(4, SafeTensorsFile.Read(source).Tensors.Count);

        string cut = PathFor("cut.safetensors");
        for (int length = 0; length < full.Length; length++)
        {
            File.WriteAllBytes(cut, full[..length]);
            var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(cut));
            Assert.Contains(cut, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_CorruptedHeaderBytes_EitherLoadOrThrowFormatException()
    {
        string source = PathFor("source.safetensors");
        SafeTensorsFile.Write(
            source,
            [new SafeTensor("a", [2, 2], [1, 2, 3, 4]), new SafeTensor("s", [], [5]), new SafeTensor("b", [3], [6, 7, 8])],
            new Dictionary<string, string> { ["k"] = "v" });
        byte[] full = File.ReadAllBytes(source);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(full);
        byte[] replacements = [(byte)'0', (byte)'9', (byte)'-', (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)' ', 0x00, 0x80, 0xFF];

        string mutated = PathFor("mutated.safetensors");
        int rejected = 0;
        for (int i = 0; i < headerEnd; i++)
        {
            foreach (byte value in replacements)
            {
                byte[] copy = (byte[])full.Clone();
                copy[i] = value;
                File.WriteAllBytes(mutated, copy);
                try
                {
                    _ = SafeTensorsFile.Read(mutated);
                }
                catch (SafeTensorsFormatException)
                {
                    rejected++;
                }
            }
        }

        Assert.True(rejected > headerEnd, $"only {rejected} mutations were rejected");
    }

    // ---------------------------------------------------------------- write failures and atomicity

    private (string Path, byte[] Original) ExistingFile()
    {
        string path = PathFor("existing.safetensors");
        SafeTensorsFile.Write(path, [new SafeTensor("old", [2], [1, 2])], new Dictionary<string, string> { ["v"] = "1" });
        return (path, File.ReadAllBytes(path));
    }

    private void AssertUntouched(string path, byte[] original)
    {
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void Write_ReplacesAnExistingFile_WithoutLeavingTemporaries()
    {
        (string path, _) = ExistingFile();
        SafeTensorsFile.Write(path, [new SafeTensor("new", [1], [9])]);

        SafeTensorsDocument doc = SafeTensorsFile.Read(path);
        Assert.Equal(["new"], doc.Tensors.Select(t => t.Name));
        Assert.Empty(doc.Metadata);
        Assert.Equal([path], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void Write_DuplicateNames_ThrowsAndLeavesExistingFileUntouched()
    {
        (string path, byte[] original) = ExistingFile();
        var ex = Assert.Throws<ArgumentException>(() =>
            SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1]), new SafeTensor("x", [1], [2]), new SafeTensor("w", [1], [3])]));
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        AssertUntouched(path, original);
    }

    [Fact]
    public void Write_NullTensorOrNullMetadataValue_ThrowsAndLeavesExistingFileUntouched()
    {
        (string path, byte[] original) = ExistingFile();
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1]), null!]));
        Assert.Throws<ArgumentException>(() =>
            SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1])], new Dictionary<string, string> { ["k"] = null! }));
        Assert.Throws<ArgumentException>(() =>
            SafeTensorsFile.Write(path, [new SafeTensor("w", [1], [1])], new Dictionary<string, string> { ["k"] = "\udc00" }));
        AssertUntouched(path, original);
    }

    [Fact]
    public void Write_MismatchedShape_NeverReachesTheFile()
    {
        (string path, byte[] original) = ExistingFile();
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [new SafeTensor("w", [2, 2], [1, 2, 3])]));
        AssertUntouched(path, original);
    }

    [Fact]
    public void Write_EnumerationFailure_LeavesExistingFileUntouched()
    {
        (string path, byte[] original) = ExistingFile();
        Assert.Throws<InvalidOperationException>(() => SafeTensorsFile.Write(path, Failing()));
        AssertUntouched(path, original);

        static IEnumerable<SafeTensor> Failing()
        {
            yield return new SafeTensor("w", [1], [1]);
            throw new InvalidOperationException("boom");
        }
    }

    [Fact]
    public void Write_FailingAfterTheTemporaryIsWritten_DeletesIt()
    {
        // The target is a non-empty directory: the final move fails after the temporary file has been written.
        string target = PathFor("occupied");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");

        Exception ex = Assert.ThrowsAny<Exception>(() => SafeTensorsFile.Write(target, [new SafeTensor("w", [1], [1])]));

        Assert.True(ex is IOException or UnauthorizedAccessException, ex.ToString());
        Assert.Contains(target, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp-", ex.Message, StringComparison.Ordinal);
        Assert.Empty(TempLeftovers());
        Assert.Equal([target], Directory.GetFileSystemEntries(_dir));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
    }

    [Fact]
    public void Write_MissingDirectory_ThrowsAndCreatesNothing()
    {
        (string path, byte[] original) = ExistingFile();
        string target = Path.Combine(_dir, "missing", "model.safetensors");
        var error = Assert.Throws<DirectoryNotFoundException>(() => SafeTensorsFile.Write(target, [new SafeTensor("w", [1], [1])]));
        Assert.DoesNotContain(".tmp-", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
        AssertUntouched(path, original);
    }

    [Fact]
    public void Write_RejectsNullArguments()
    {
        Assert.Throws<ArgumentNullException>(() => SafeTensorsFile.Write(null!, []));
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write("", []));
        Assert.Throws<ArgumentNullException>(() => SafeTensorsFile.Write(PathFor("x"), null!));
        Assert.Throws<ArgumentNullException>(() => SafeTensorsFile.Read(null!));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
