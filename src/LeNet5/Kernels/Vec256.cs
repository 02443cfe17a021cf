using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Kernels;

internal readonly struct Vec256 : ISimdVector<Vec256>
{
    private readonly Vector256<float> _value;
    private Vec256(Vector256<float> value) => _value = value;

    public static int Count => Vector256<float>.Count;
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    public static Vec256 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Broadcast(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Load(ref float source, nint index) => new(Vector256.LoadUnsafe(ref source, (nuint)index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec256 value, ref float destination, nint index) => value._value.StoreUnsafe(ref destination, (nuint)index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Add(Vec256 left, Vec256 right) => new(left._value + right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Subtract(Vec256 left, Vec256 right) => new(left._value - right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Multiply(Vec256 left, Vec256 right) => new(left._value * right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Divide(Vec256 left, Vec256 right) => new(left._value / right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256 Sqrt(Vec256 value) => new(Vector256.Sqrt(value._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Min(Vec256 left, Vec256 right) => new(Avx.IsSupported ? Avx.Min(left._value, right._value) : Vector256.Min(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Max(Vec256 left, Vec256 right) => new(Avx.IsSupported ? Avx.Max(left._value, right._value) : Vector256.Max(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 FlushSubnormal(Vec256 value)
        => new(Vector256.AndNot(value._value, Vector256.LessThan(Vector256.Abs(value._value), Vector256.Create(Simd.MinNormal))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 GreaterThan(Vec256 left, Vec256 right) => new(Vector256.GreaterThan(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Select(Vec256 mask, Vec256 ifTrue, Vec256 ifFalse) => new(Vector256.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 AndNot(Vec256 value, Vec256 mask) => new(Vector256.AndNot(value._value, mask._value));
    /// <summary>
    /// Two-source permutes where AVX-512 has them, in-lane shuffles and a cross-lane permute on AVX2; elsewhere each (even,
    /// odd) pair is one 64-bit lane whose low half is the even float, so narrowing keeps it (little-endian).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(ref float source, nint index, out Vec256 even, out Vec256 odd)
    {
        if (Avx512F.VL.IsSupported)
        {
            var first = Vector256.LoadUnsafe(ref source, (nuint)index);
            var second = Vector256.LoadUnsafe(ref source, (nuint)(index + Count));
            even = new(Avx512F.VL.PermuteVar8x32x2(first, Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14), second));
            odd = new(Avx512F.VL.PermuteVar8x32x2(first, Vector256.Create(1, 3, 5, 7, 9, 11, 13, 15), second));
            return;
        }
        if (Avx2.IsSupported)
        {
            // Within each 128-bit half, then the halves' 64-bit quarters put in order: [a0 a2 b0 b2 | a4 a6 b4 b6] → [a0 a2 a4 a6 b0 b2 b4 b6].
            var first = Vector256.LoadUnsafe(ref source, (nuint)index);
            var second = Vector256.LoadUnsafe(ref source, (nuint)(index + Count));
            even = new(Avx2.Permute4x64(Avx.Shuffle(first, second, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle());
            odd = new(Avx2.Permute4x64(Avx.Shuffle(first, second, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle());
            return;
        }
        var lower = Vector256.LoadUnsafe(ref source, (nuint)index).AsUInt64();
        var upper = Vector256.LoadUnsafe(ref source, (nuint)(index + Count)).AsUInt64();
        even = new(Vector256.Narrow(lower, upper).AsSingle());
        odd = new(Vector256.Narrow(Vector256.ShiftRightLogical(lower, 32), Vector256.ShiftRightLogical(upper, 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Vec256 even, Vec256 odd, out Vec256 lower, out Vec256 upper)
    {
        if (Avx512F.VL.IsSupported)
        {
            lower = new(Avx512F.VL.PermuteVar8x32x2(even._value, Vector256.Create(0, 8, 1, 9, 2, 10, 3, 11), odd._value));
            upper = new(Avx512F.VL.PermuteVar8x32x2(even._value, Vector256.Create(4, 12, 5, 13, 6, 14, 7, 15), odd._value));
            return;
        }
        if (Avx.IsSupported)
        {
            // [e0 o0 e1 o1 | e4 o4 e5 o5] and [e2 o2 e3 o3 | e6 o6 e7 o7], then their 128-bit halves paired in order.
            var low = Avx.UnpackLow(even._value, odd._value);
            var high = Avx.UnpackHigh(even._value, odd._value);
            lower = new(Avx.Permute2x128(low, high, 0x20));
            upper = new(Avx.Permute2x128(low, high, 0x31));
            return;
        }
        var e = even._value.AsUInt32();
        var o = odd._value.AsUInt32();
        lower = new((Vector256.WidenLower(e) | Vector256.ShiftLeft(Vector256.WidenLower(o), 32)).AsSingle());
        upper = new((Vector256.WidenUpper(e) | Vector256.ShiftLeft(Vector256.WidenUpper(o), 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vec256 even, Vec256 odd, ref float destination, nint index)
    {
        Interleave(even, odd, out var lower, out var upper);
        Store(lower, ref destination, index);
        Store(upper, ref destination, index + Count);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 WhereGreaterThanZero(Vec256 condition, Vec256 value) => new(Vector256.GreaterThan(condition._value, Vector256<float>.Zero) & value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 MultiplyAdd(Vec256 a, Vec256 b, Vec256 c)
#if NET9_0_OR_GREATER
        => new(Simd.HardwareFusesMultiplyAdd ? Vector256.FusedMultiplyAdd(a._value, b._value, c._value) : (a._value * b._value) + c._value); // see Vec128
#else
        => new(Fma.IsSupported ? Fma.MultiplyAdd(a._value, b._value, c._value) : (a._value * b._value) + c._value);
#endif
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 ClearLanesBelow(Vec256 value, int firstKept)
        => new(Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Simd.LaneIndices)), Vector256.Create(firstKept)).AsSingle() & value._value);
    /// <inheritdoc cref="Vec512.Sum"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vec256 value) => Vec128.SumOf(value._value.GetLower() + value._value.GetUpper());
}
