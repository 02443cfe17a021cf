using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Kernels;

internal readonly struct Vec512 : ISimdVector<Vec512>
{
    private readonly Vector512<float> _value;
    private Vec512(Vector512<float> value) => _value = value;

    public static int Count => Vector512<float>.Count;
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    public static Vec512 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Broadcast(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Load(ref float source, nint index) => new(Vector512.LoadUnsafe(ref source, (nuint)index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec512 value, ref float destination, nint index) => value._value.StoreUnsafe(ref destination, (nuint)index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Add(Vec512 left, Vec512 right) => new(left._value + right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Subtract(Vec512 left, Vec512 right) => new(left._value - right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Multiply(Vec512 left, Vec512 right) => new(left._value * right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Divide(Vec512 left, Vec512 right) => new(left._value / right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512 Sqrt(Vec512 value) => new(Vector512.Sqrt(value._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Min(Vec512 left, Vec512 right) => new(Avx512F.IsSupported ? Avx512F.Min(left._value, right._value) : Vector512.Min(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Max(Vec512 left, Vec512 right) => new(Avx512F.IsSupported ? Avx512F.Max(left._value, right._value) : Vector512.Max(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 FlushSubnormal(Vec512 value)
        => new(Vector512.AndNot(value._value, Vector512.LessThan(Vector512.Abs(value._value), Vector512.Create(Simd.MinNormal))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 GreaterThan(Vec512 left, Vec512 right) => new(Vector512.GreaterThan(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Select(Vec512 mask, Vec512 ifTrue, Vec512 ifFalse) => new(Vector512.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 AndNot(Vec512 value, Vec512 mask) => new(Vector512.AndNot(value._value, mask._value));
    /// <summary>
    /// Two-source permutes where AVX-512 runs (one instruction a vector, against about three for the narrowing and widening
    /// below); elsewhere each (even, odd) pair is one 64-bit lane whose low half is the even float, so narrowing keeps it (little-endian).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(ref float source, nint index, out Vec512 even, out Vec512 odd)
    {
        if (Avx512F.IsSupported)
        {
            var first = Vector512.LoadUnsafe(ref source, (nuint)index);
            var second = Vector512.LoadUnsafe(ref source, (nuint)(index + Count));
            even = new(Avx512F.PermuteVar16x32x2(first, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), second));
            odd = new(Avx512F.PermuteVar16x32x2(first, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), second));
            return;
        }
        var lower = Vector512.LoadUnsafe(ref source, (nuint)index).AsUInt64();
        var upper = Vector512.LoadUnsafe(ref source, (nuint)(index + Count)).AsUInt64();
        even = new(Vector512.Narrow(lower, upper).AsSingle());
        odd = new(Vector512.Narrow(Vector512.ShiftRightLogical(lower, 32), Vector512.ShiftRightLogical(upper, 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Vec512 even, Vec512 odd, out Vec512 lower, out Vec512 upper)
    {
        if (Avx512F.IsSupported)
        {
            lower = new(Avx512F.PermuteVar16x32x2(even._value, Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), odd._value));
            upper = new(Avx512F.PermuteVar16x32x2(even._value, Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), odd._value));
            return;
        }
        var e = even._value.AsUInt32();
        var o = odd._value.AsUInt32();
        lower = new((Vector512.WidenLower(e) | Vector512.ShiftLeft(Vector512.WidenLower(o), 32)).AsSingle());
        upper = new((Vector512.WidenUpper(e) | Vector512.ShiftLeft(Vector512.WidenUpper(o), 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vec512 even, Vec512 odd, ref float destination, nint index)
    {
        Interleave(even, odd, out var lower, out var upper);
        Store(lower, ref destination, index);
        Store(upper, ref destination, index + Count);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 WhereGreaterThanZero(Vec512 condition, Vec512 value) => new(Vector512.GreaterThan(condition._value, Vector512<float>.Zero) & value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 MultiplyAdd(Vec512 a, Vec512 b, Vec512 c)
#if NET9_0_OR_GREATER
        => new(Simd.HardwareFusesMultiplyAdd ? Vector512.FusedMultiplyAdd(a._value, b._value, c._value) : (a._value * b._value) + c._value); // see Vec128
#else
        => new(Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a._value, b._value, c._value)
            : Fma.IsSupported ? Vector512.Create(Fma.MultiplyAdd(a._value.GetLower(), b._value.GetLower(), c._value.GetLower()),
                Fma.MultiplyAdd(a._value.GetUpper(), b._value.GetUpper(), c._value.GetUpper()))
            : (a._value * b._value) + c._value);
#endif
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 ClearLanesBelow(Vec512 value, int firstKept)
        => new(Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Simd.LaneIndices)), Vector512.Create(firstKept)).AsSingle() & value._value);
    /// <summary>Halves added down to 128 bits, then two shuffles: seven instructions (Vector512.Sum takes about twenty-five here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vec512 value) => Vec128.SumOf(value._value.GetLower().GetLower() + value._value.GetLower().GetUpper()
        + (value._value.GetUpper().GetLower() + value._value.GetUpper().GetUpper()));
}
