namespace LeNet5.Kernels;

/// <summary>
/// A vector of floats of one fixed width. Kernels are written once, generic over this interface, and the
/// JIT specialises them per width; <see cref="Vec512"/>, <see cref="Vec256"/>, <see cref="Vec128"/> and
/// <see cref="Vec32"/> (one 32-bit lane: the scalar path) all run the same code, so tests can force every width.
/// </summary>
internal interface ISimdVector<TSelf> where TSelf : struct, ISimdVector<TSelf>
{
    static abstract int Count { get; }
    static abstract bool IsHardwareAccelerated { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(float value);
    static abstract TSelf Load(ref float source, nint index);
    static abstract void Store(TSelf value, ref float destination, nint index);
    static abstract TSelf Add(TSelf left, TSelf right);
    static abstract TSelf Subtract(TSelf left, TSelf right);
    static abstract TSelf Multiply(TSelf left, TSelf right);
    static abstract TSelf Divide(TSelf left, TSelf right);
    static abstract TSelf Sqrt(TSelf value);

    /// <summary>
    /// The lane-wise minimum and maximum, as the hardware computes them (x86 returns the second operand when a lane
    /// holds NaN; callers that must propagate NaN do so themselves). Vector512.Min and its kin order NaN and −0 as
    /// IEEE 754-2019 says, at several instructions a lane: five times slower here.
    /// </summary>
    static abstract TSelf Min(TSelf left, TSelf right);

    /// <inheritdoc cref="Min"/>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary><paramref name="value"/> in lanes where <paramref name="condition"/> &gt; 0, else 0.</summary>
    static abstract TSelf WhereGreaterThanZero(TSelf condition, TSelf value);

    /// <summary>
    /// a·b + c rounded once, at every width (on .NET 9 and later the runtime fuses it in software where the hardware
    /// cannot), so that a lane's result never depends on the width that computed it: an image's outputs are the same
    /// bits whichever path its batch took.
    /// </summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>
    /// Zero in lanes whose magnitude is below <see cref="Simd.MinNormal"/> (subnormals), the value elsewhere (NaN and
    /// infinities kept). x86 takes a microcode assist of a hundred cycles or more for each instruction that reads or
    /// makes a subnormal, and .NET cannot set the processor's flush-to-zero mode, so state that decays towards zero
    /// (Adam's moments, a momentum) is flushed where it is stored.
    /// </summary>
    static abstract TSelf FlushSubnormal(TSelf value);

    /// <summary>All bits set in lanes where <paramref name="left"/> &gt; <paramref name="right"/> (false for NaN), else zero: a mask for <see cref="Select"/>.</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    /// <summary><paramref name="ifTrue"/> in lanes where <paramref name="mask"/> (from <see cref="GreaterThan"/>) is set, else <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>Zero in lanes where <paramref name="mask"/> is set, <paramref name="value"/> elsewhere.</summary>
    static abstract TSelf AndNot(TSelf value, TSelf mask);

    /// <summary>Floats index, index + 2, … into <paramref name="even"/> and index + 1, index + 3, … into <paramref name="odd"/>: 2·Count floats.</summary>
    static abstract void LoadDeinterleaved(ref float source, nint index, out TSelf even, out TSelf odd);

    /// <summary>
    /// The lanes of <paramref name="even"/> and <paramref name="odd"/> alternated, in registers: the first Count of
    /// e0 o0 e1 o1 … in <paramref name="lower"/>, the rest in <paramref name="upper"/> (one lane: even and odd as they are).
    /// </summary>
    static abstract void Interleave(TSelf even, TSelf odd, out TSelf lower, out TSelf upper);

    /// <summary>The inverse of <see cref="LoadDeinterleaved"/>: even[k] to index + 2k, odd[k] to index + 2k + 1 (<see cref="Interleave"/>, stored).</summary>
    static abstract void StoreInterleaved(TSelf even, TSelf odd, ref float destination, nint index);

    /// <summary>Zeroes lanes below <paramref name="firstKept"/>: used to drop the lanes an overlapping tail vector shares with the previous one.</summary>
    static abstract TSelf ClearLanesBelow(TSelf value, int firstKept);

    static abstract float Sum(TSelf value);
}
