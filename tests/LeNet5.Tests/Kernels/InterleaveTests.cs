using LeNet5.Kernels;

namespace LeNet5.Tests.Kernels;

/// <summary>
/// The vector types' lane shuffles against their definitions, at every width (CI runs this again with AVX-512 and with
/// AVX2 disabled, so that each instruction path the types choose is checked): <see cref="ISimdVector{TSelf}.Interleave"/>
/// alternates the lanes of two vectors, <see cref="ISimdVector{TSelf}.StoreInterleaved"/> stores that, and
/// <see cref="ISimdVector{TSelf}.LoadDeinterleaved"/> undoes it.
/// </summary>
public class InterleaveTests
{
    [Fact] public void Vec512_InterleavesAsDefined() => Check<Vec512>();
    [Fact] public void Vec256_InterleavesAsDefined() => Check<Vec256>();
    [Fact] public void Vec128_InterleavesAsDefined() => Check<Vec128>();
    [Fact] public void Vec32_InterleavesAsDefined() => Check<Vec32>();

    private static void Check<TVec>() where TVec : struct, ISimdVector<TVec>
    {
        int n = TVec.Count;
        // Distinct values, with a NaN payload and a negative zero among them: shuffles move bits, never arithmetic.
        float[] even = Enumerable.Range(0, n).Select(i => 100f + i).ToArray(), odd = Enumerable.Range(0, n).Select(i => -200f - i).ToArray();
        even[0] = -0f;
        odd[n - 1] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        var e = TVec.Load(ref even[0], 0);
        var o = TVec.Load(ref odd[0], 0);
        var expected = new float[2 * n];
        for (int k = 0; k < n; k++)
        {
            expected[2 * k] = even[k];
            expected[(2 * k) + 1] = odd[k];
        }

        var registers = new float[2 * n];
        TVec.Interleave(e, o, out var lower, out var upper);
        TVec.Store(lower, ref registers[0], 0);
        TVec.Store(upper, ref registers[0], n);
        AssertBits(expected, registers, $"Interleave {typeof(TVec).Name}");

        // Stored at an offset inside a guarded buffer: exactly 2·Count floats written.
        var stored = Enumerable.Repeat(7f, (2 * n) + 3).ToArray();
        TVec.StoreInterleaved(e, o, ref stored[0], 1);
        Assert.Equal(7f, stored[0]);
        Assert.Equal(7f, stored[(2 * n) + 1]);
        AssertBits(expected, stored.AsSpan(1, 2 * n).ToArray(), $"StoreInterleaved {typeof(TVec).Name}");

        TVec.LoadDeinterleaved(ref stored[0], 1, out var backEven, out var backOdd);
        var evenBack = new float[n];
        var oddBack = new float[n];
        TVec.Store(backEven, ref evenBack[0], 0);
        TVec.Store(backOdd, ref oddBack[0], 0);
        AssertBits(even, evenBack, $"LoadDeinterleaved even {typeof(TVec).Name}");
        AssertBits(odd, oddBack, $"LoadDeinterleaved odd {typeof(TVec).Name}");
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
        => Assert.True(expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Select(BitConverter.SingleToInt32Bits)),
            $"{what}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
}
