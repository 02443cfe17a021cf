using System.Runtime.InteropServices;
using LeNet5.Data;

namespace LeNet5.Tests.Data;

public class IdxRoundTripTests
{
    private static readonly int[] s_shape = [5, 3, 4, 2, 3];

    public static TheoryData<IdxElementType, int, bool> Cases()
    {
        var data = new TheoryData<IdxElementType, int, bool>();
        foreach (IdxElementType type in Enum.GetValues<IdxElementType>())
        {
            for (int rank = 1; rank <= s_shape.Length; rank++)
            {
                data.Add(type, rank, false);
                data.Add(type, rank, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryTypeAndRank_ReadsBackBitForBit(IdxElementType type, int rank, bool gzip)
    {
        int[] dimensions = s_shape[..rank];
        var random = new Random(rank * 100 + (int)type);
        switch (type)
        {
            case IdxElementType.UnsignedByte:
                RoundTrip(dimensions, gzip, Values(dimensions, random, r => (byte)r.Next(256), byte.MinValue, byte.MaxValue));
                break;
            case IdxElementType.SignedByte:
                RoundTrip(dimensions, gzip, Values(dimensions, random, r => (sbyte)r.Next(-128, 128), sbyte.MinValue, sbyte.MaxValue));
                break;
            case IdxElementType.Int16:
                RoundTrip(dimensions, gzip, Values(dimensions, random, r => (short)r.Next(short.MinValue, short.MaxValue + 1), short.MinValue, short.MaxValue));
                break;
            case IdxElementType.Int32:
                RoundTrip(dimensions, gzip, Values(dimensions, random, r => r.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue));
                break;
            case IdxElementType.Float32:
                RoundTrip(dimensions, gzip, Values(dimensions, random, r => (float)((r.NextDouble() - 0.5) * 1e6), float.NaN, -0f, float.NegativeInfinity, float.Epsilon, float.MaxValue));
                break;
            case IdxElementType.Float64:
                RoundTrip(dimensions, gzip, Values(dimensions, random, r => (r.NextDouble() - 0.5) * 1e300, double.NaN, -0d, double.PositiveInfinity, double.Epsilon, double.MinValue));
                break;
            default:
                Assert.Fail($"untested type {type}");
                break;
        }
    }

    [Fact]
    public void TheLargestRank_ReadsBack()
    {
        int[] dimensions = Enumerable.Repeat(1, IdxHeader.MaxRank).ToArray();
        dimensions[^1] = 3;
        RoundTrip(dimensions, gzip: false, new short[] { -1, 0, 1 });
        RoundTrip(dimensions, gzip: true, new short[] { -1, 0, 1 });
    }

    [Fact]
    public void WriterOutput_IsTheStandardBigEndianLayout()
    {
        using var stream = new MemoryStream();
        using (var writer = new IdxWriter(stream, new IdxHeader(IdxElementType.Int16, 2), leaveOpen: true))
        {
            writer.WriteElements<short>([1, -2]);
            writer.Complete();
        }

        Assert.Equal(Convert.FromHexString("00000B0100000002" + "0001FFFE"), stream.ToArray());

        Assert.Equal(Convert.FromHexString("00000D0100000001" + "3F800000"), Written(new[] { 1f }));
        Assert.Equal(Convert.FromHexString("00000E0100000001" + "3FF0000000000000"), Written(new[] { 1d }));
        Assert.Equal(Convert.FromHexString("00000C020000000100000001" + "FFFFFFFE"), Written(new[] { -2 }, 1, 1));
        Assert.Equal(Convert.FromHexString("0000090100000002" + "80FF"), Written(new sbyte[] { -128, -1 }));
        Assert.Equal(Convert.FromHexString("0000080300000001000000010000000207FF"), Written(new byte[] { 7, 255 }, 1, 1, 2));
    }

    [Fact]
    public void GzippedWriterOutput_IsPlainGzipOfTheRawFile()
    {
        using var temp = new TempDirectory();
        float[] data = [1.5f, -2.25f, 3f, 0f, float.MaxValue, -0f];
        IdxWriter.WriteFile(temp.File("raw.idx"), data, [2, 3]);
        IdxWriter.WriteFile(temp.File("gz.idx.gz"), data, [2, 3], gzip: true);

        byte[] gz = File.ReadAllBytes(temp.File("gz.idx.gz"));
        Assert.Equal((byte)0x1F, gz[0]);
        Assert.Equal((byte)0x8B, gz[1]);
        Assert.Equal(File.ReadAllBytes(temp.File("raw.idx")), IdxBytes.Gunzip(gz));
        Assert.Single(Directory.GetFiles(temp.Path, "*.gz"));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial"));
    }

    [Fact]
    public void Gzip_IsDetectedByContentNotByName()
    {
        using var temp = new TempDirectory();
        IdxWriter.WriteFile(temp.File("looks-raw.idx"), new byte[] { 1, 2, 3 }, [3], gzip: true);
        IdxWriter.WriteFile(temp.File("looks-gzipped.gz"), new byte[] { 1, 2, 3 }, [3], gzip: false);

        using (IdxReader reader = IdxReader.Open(temp.File("looks-raw.idx")))
        {
            Assert.True(reader.IsCompressed);
            Assert.Equal(new byte[] { 1, 2, 3 }, reader.ReadAll<byte>());
        }

        using (IdxReader reader = IdxReader.Open(temp.File("looks-gzipped.gz")))
        {
            Assert.False(reader.IsCompressed);
            Assert.Equal(new byte[] { 1, 2, 3 }, reader.ReadAll<byte>());
        }
    }

    [Fact]
    public void Streaming_ReadsFillCallerBuffersInPieces()
    {
        int[] data = Enumerable.Range(-500, 1000).ToArray();
        using var stream = new MemoryStream();
        using (var writer = new IdxWriter(stream, new IdxHeader(IdxElementType.Int32, 10, 100), gzip: true, leaveOpen: true))
        {
            writer.WriteElements<int>(data.AsSpan(0, 333));
            writer.WriteElements<int>(data.AsSpan(333));
            writer.Complete();
        }

        stream.Position = 0;
        using IdxReader reader = IdxReader.Open(new NonSeekableStream(stream), "pieces");
        var back = new int[1000];
        Span<int> rest = back;
        while (!rest.IsEmpty)
        {
            int n = Math.Min(rest.Length, 77);
            reader.ReadElements(rest[..n]);
            rest = rest[n..];
        }

        Assert.Equal(0, reader.RemainingElements);
        Assert.Equal(data, back);
    }

    private static T[] Values<T>(int[] dimensions, Random random, Func<Random, T> next, params T[] specials)
    {
        int count = dimensions.Aggregate(1, (a, b) => a * b);
        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = i < specials.Length ? specials[i] : next(random);
        }

        return values;
    }

    private static byte[] Written<T>(T[] data, params int[] dimensions)
        where T : unmanaged
    {
        if (dimensions.Length == 0)
        {
            dimensions = [data.Length];
        }

        using var stream = new MemoryStream();
        using (var writer = new IdxWriter(stream, new IdxHeader(IdxHeader.ElementTypeOf<T>(), dimensions), leaveOpen: true))
        {
            writer.WriteElements<T>(data);
            writer.Complete();
        }

        return stream.ToArray();
    }

    private static void RoundTrip<T>(int[] dimensions, bool gzip, T[] data)
        where T : unmanaged
    {
        using var temp = new TempDirectory();
        string path = temp.File("data.idx");
        IdxWriter.WriteFile<T>(path, data, dimensions, gzip);

        // Whole file, from a path.
        T[] back = IdxReader.ReadFile<T>(path, out IdxHeader header);
        Assert.Equal(IdxHeader.ElementTypeOf<T>(), header.ElementType);
        Assert.Equal(dimensions, header.Dimensions);
        Assert.True(MemoryMarshal.AsBytes(data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(back.AsSpan())));

        // The raw layout, built independently, reads back the same (so other writers' files read too).
        byte[] raw = gzip ? IdxBytes.Gunzip(File.ReadAllBytes(path)) : File.ReadAllBytes(path);
        Assert.Equal(header.HeaderLength + header.DataLength, raw.Length);
        using (var reader = IdxReader.Open(new MemoryStream(raw), "raw"))
        {
            Assert.False(reader.IsCompressed);
            Assert.True(MemoryMarshal.AsBytes(data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(reader.ReadAll<T>().AsSpan())));
        }

        // A non-seekable stream, element by element.
        using (var reader = IdxReader.Open(new NonSeekableStream(File.OpenRead(path)), "stream"))
        {
            Assert.Equal(gzip, reader.IsCompressed);
            var one = new T[1];
            for (int i = 0; i < data.Length; i++)
            {
                reader.ReadElements<T>(one);
                Assert.True(MemoryMarshal.AsBytes(data.AsSpan(i, 1)).SequenceEqual(MemoryMarshal.AsBytes(one.AsSpan())));
            }

            Assert.Equal(0, reader.RemainingElements);
        }
    }
}
