using LeNet5.Data;

namespace LeNet5.Tests.Data;

/// <summary>Every malformation is an <see cref="IdxFormatException"/> naming the file, what was expected and what was found.</summary>
public class IdxMalformedTests
{
    public static TheoryData<string, byte[], string> RawCases() => new()
    {
        { "empty file", [], "truncated header" },
        { "magic too short", [0, 0, 8], "truncated header" },
        { "wrong magic", IdxBytes.Make(0x08, [3], [1, 2, 3]).Select((b, i) => i == 1 ? (byte)0x01 : b).ToArray(), "not an IDX file: expected a magic number starting 00 00, found 00010801" },
        { "unknown type code", IdxBytes.Make(0x0A, [3], [1, 2, 3]), "unknown element type code: expected 08, 09, 0B, 0C, 0D or 0E, found 0A" },
        { "rank 0", [0, 0, 8, 0, 1, 2, 3], "rank 0" },
        { "truncated dimensions", IdxBytes.Make(0x08, [3, 2, 1], [])[..12], "truncated header: expected 3 dimension(s) (12 bytes), found 8 byte(s)" },
        { "zero dimension", IdxBytes.Make(0x08, [3, 0], []), "dimension 1 is 0" },
        { "dimension above int.MaxValue", IdxBytes.Make(0x08, [0x8000_0000u], []), "dimension 0 is 2147483648: expected at most 2147483647" },
        { "dimension product overflows", IdxBytes.Make(0x0E, [int.MaxValue, int.MaxValue, int.MaxValue], []), "overflow" },
        { "truncated data", IdxBytes.Make(0x08, [2, 5], new byte[9]), "truncated data: header UnsignedByte [2, 5] needs 10 data bytes after the 12-byte header, found 9" },
        { "truncated multi-byte data", IdxBytes.Make(0x0D, [2], new byte[7]), "needs 8 data bytes after the 8-byte header, found 7" },
        { "trailing bytes", IdxBytes.Make(0x08, [2, 5], new byte[11]), "trailing bytes: header UnsignedByte [2, 5] needs 10 data bytes after the 12-byte header, found 11" },
        { "16 bytes claiming 2^31-1 images", IdxBytes.Make(0x08, [int.MaxValue, 28, 28], []), "needs 1683627179248 data bytes after the 16-byte header, found 0" },
    };

    [Theory]
    [MemberData(nameof(RawCases))]
    public void RawFile(string name, byte[] bytes, string expected)
    {
        _ = name;
        using var temp = new TempDirectory();
        string path = temp.File("case.idx");
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => ReadAny(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), ex.Message);
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FileName);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before failing");
    }

    [Theory]
    [MemberData(nameof(RawCases))]
    public void NonSeekableStream(string name, byte[] bytes, string expected)
    {
        _ = name;
        string streamExpected =
            name == "16 bytes claiming 2^31-1 images" ? "describes 1683627179248 bytes: expected at most 2147483647 to fit one array" :
            expected.Contains("trailing", StringComparison.Ordinal) ? "trailing bytes" :
            expected.Contains("truncated data", StringComparison.Ordinal) ? "truncated data" : expected;

        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() =>
        {
            using IdxReader reader = IdxReader.Open(new NonSeekableStream(new MemoryStream(bytes)), "piped");
            ReadAny(reader);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ex.Message.Contains(streamExpected, StringComparison.Ordinal), ex.Message);
        Assert.StartsWith("piped: ", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 32 << 20, $"allocated {allocated} bytes before failing");
    }

    [Theory]
    [MemberData(nameof(RawCases))]
    public void GzippedFile(string name, byte[] bytes, string expected)
    {
        _ = name;
        using var temp = new TempDirectory();
        string path = temp.File("case.idx.gz");
        File.WriteAllBytes(path, IdxBytes.Gzip(bytes));
        string gzipExpected =
            name == "16 bytes claiming 2^31-1 images" ? "claims 1683627179264 decompressed bytes, but" :
            expected.Contains("trailing", StringComparison.Ordinal) ? "trailing bytes: header UnsignedByte [2, 5] needs 10 data bytes after the 12-byte header (decompressed), found more" :
            expected.Contains("truncated data", StringComparison.Ordinal) ? "truncated data" :
            expected.Replace("-byte header,", "-byte header (decompressed),", StringComparison.Ordinal);

        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => ReadAny(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ex.Message.Contains(gzipExpected, StringComparison.Ordinal), ex.Message);
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before failing");
    }

    [Fact]
    public void GzipThatClaimsMoreThanIt_HoldsFailsAfterReadingWhatItHas()
    {
        // 100 MB claimed, 1 MB present: plausible for deflate's ratio, contradicted by the gzip trailer.
        var data = new byte[1_000_000];
        new Random(7).NextBytes(data);
        byte[] bytes = IdxBytes.Gzip(IdxBytes.Make(0x08, [100_000, 1000], data));
        using var temp = new TempDirectory();
        string path = temp.File("short.gz");
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => ReadAny(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ex.Message.Contains("truncated data: header UnsignedByte [100000, 1000] needs 100000000 data bytes after the 12-byte header (decompressed), found 1000000", StringComparison.Ordinal), ex.Message);
        Assert.True(allocated < 32 << 20, $"allocated {allocated} bytes before failing");
    }

    [Fact]
    public void TruncatedGzipFile()
    {
        byte[] raw = IdxBytes.Make(0x08, [100, 100], Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        byte[] gz = IdxBytes.Gzip(raw);
        foreach (int keep in new[] { 2, 10, gz.Length / 2, gz.Length - 9, gz.Length - 1 })
        {
            using var temp = new TempDirectory();
            string path = temp.File("cut.gz");
            File.WriteAllBytes(path, gz[..keep]);
            IdxFormatException ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadFile<byte>(path, out _));
            Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
            Assert.Matches("truncated|corrupt gzip", ex.Message);
        }
    }

    [Fact]
    public void CorruptGzipData()
    {
        byte[] raw = IdxBytes.Make(0x08, [100, 100], Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        byte[] gz = IdxBytes.Gzip(raw);
        foreach (int at in new[] { 12, gz.Length / 2, gz.Length - 6 })
        {
            byte[] bad = (byte[])gz.Clone();
            bad[at] ^= 0x5A;
            using var temp = new TempDirectory();
            string path = temp.File("bad.gz");
            File.WriteAllBytes(path, bad);
            IdxFormatException ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadFile<byte>(path, out _));
            Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GarbageAfterTheGzipStream()
    {
        byte[] gz = [.. IdxBytes.Gzip(IdxBytes.Make(0x08, [3], [1, 2, 3])), 0x00, 0x42, 0x42, 0x42];
        using var temp = new TempDirectory();
        string path = temp.File("garbage.gz");
        File.WriteAllBytes(path, gz);
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadFile<byte>(path, out _));
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongElementTypeForTheCaller()
    {
        using var temp = new TempDirectory();
        string path = temp.File("floats.idx");
        IdxWriter.WriteFile(path, new[] { 1f, 2f }, [2]);
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadFile<byte>(path, out _));
        Assert.Equal($"{path}: element type: expected UnsignedByte (0x08), found Float32 (0x0D).", ex.Message);
    }

    [Fact]
    public void HeaderAndWriterRejectInvalidShapesAnd_Counts()
    {
        Assert.Throws<ArgumentException>(() => new IdxHeader(IdxElementType.UnsignedByte));
        Assert.Throws<ArgumentException>(() => new IdxHeader(IdxElementType.UnsignedByte, 3, 0));
        Assert.Throws<ArgumentException>(() => new IdxHeader((IdxElementType)0x0A, 3));
        Assert.Throws<ArgumentException>(() => new IdxHeader(IdxElementType.Float64, int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Throws<ArgumentException>(() => new IdxHeader(IdxElementType.UnsignedByte, new int[256]));

        using var temp = new TempDirectory();
        Assert.Throws<ArgumentException>(() => IdxWriter.WriteFile(temp.File("x"), new byte[5], [2, 3]));
        Assert.Empty(Directory.GetFiles(temp.Path));

        using var stream = new MemoryStream();
        using var writer = new IdxWriter(stream, new IdxHeader(IdxElementType.Int32, 2));
        Assert.Throws<ArgumentException>(() => writer.WriteElements<float>([1f]));
        writer.WriteElements<int>([1]);
        Assert.Throws<InvalidOperationException>(writer.Complete);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteElements<int>([2, 3]));
        writer.WriteElements<int>([2]);
        writer.Complete();
    }

    [Fact]
    public void GarbageReplacingTheGzipTrailer()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Make(0x08, [3], [1, 2, 3]));
        gz[^1] ^= 0x01;
        using var temp = new TempDirectory();
        string path = temp.File("isize.gz");
        File.WriteAllBytes(path, gz);
        IdxFormatException ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadFile<byte>(path, out _));
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingPastTheEnd_IsACallerError()
    {
        using IdxReader reader = IdxReader.Open(new MemoryStream(IdxBytes.Make(0x0B, [2], [0, 1, 0, 2])), "two");
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadElements(new short[3]));
        Assert.Throws<ArgumentException>(() => reader.ReadBytes(new byte[3]));
        var two = new short[2];
        reader.ReadElements<short>(two);
        Assert.Equal(new short[] { 1, 2 }, two);
    }

    private static void ReadAny(string path)
    {
        using IdxReader reader = IdxReader.Open(path);
        ReadAny(reader);
    }

    private static void ReadAny(IdxReader reader)
    {
        switch (reader.Header.ElementType)
        {
            case IdxElementType.UnsignedByte: reader.ReadAll<byte>(); break;
            case IdxElementType.SignedByte: reader.ReadAll<sbyte>(); break;
            case IdxElementType.Int16: reader.ReadAll<short>(); break;
            case IdxElementType.Int32: reader.ReadAll<int>(); break;
            case IdxElementType.Float32: reader.ReadAll<float>(); break;
            default: reader.ReadAll<double>(); break;
        }
    }
}
