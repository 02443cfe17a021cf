using System.Runtime.InteropServices;

namespace LeNet5.Kernels;

/// <summary>
/// Float buffers placed on cache-line boundaries. A 512-bit vector is a whole 64-byte line only when it starts on one:
/// .NET places an array's elements on an 8-byte boundary, so seven in eight of a kernel's 512-bit loads and stores along
/// a plain array straddle two lines, and each takes two accesses of the cache instead of one (a 256-bit one, three in
/// eight). It shows where a kernel streams from L2: measured on Zen 4 (a harness, one process, C5's 120×400 weights and
/// their rates), the batch-1 SDLM step took 5.9 µs from plain arrays and 3.9 µs from aligned ones, the batch-1 forward
/// rows 2.3 and 1.9 µs (reading the 192 KB alone takes 1.6 µs, L2's 32 bytes a cycle). The bits are the same: where a
/// value sits never changes the arithmetic.
/// </summary>
internal static class AlignedArray
{
    /// <summary>Floats in a 64-byte cache line (and in a 512-bit vector).</summary>
    internal const int LineFloats = 16;

    /// <summary>
    /// <paramref name="length"/> zeros whose element <paramref name="alignedIndex"/> starts a cache line: a slice of a
    /// slightly longer array on the pinned object heap, which the collector never moves, so the placement holds for
    /// the array's life.
    /// </summary>
    internal static ArraySegment<float> Allocate(int length, int alignedIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var store = GC.AllocateArray<float>(checked(length + LineFloats - 1), pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(store, 0);
        // address is a multiple of 4: the start s with (address + 4·(s + alignedIndex)) a multiple of 64.
        int start = (int)((((-(address / sizeof(float)) - alignedIndex) % LineFloats) + LineFloats) % LineFloats);
        return new ArraySegment<float>(store, start, length);
    }

    /// <summary><paramref name="floats"/> rounded up to whole cache lines: offsets of buffers packed after one another.</summary>
    internal static int WholeLines(int floats) => checked((floats + LineFloats - 1) / LineFloats * LineFloats);
}
