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
    /// <summary>Each (even, odd) pair is one 64-bit lane: its low half is the even float, so narrowing keeps it (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(ref float source, nint index, out Vec256 even, out Vec256 odd)
    {
        var lower = Vector256.LoadUnsafe(ref source, (nuint)index).AsUInt64();
        var upper = Vector256.LoadUnsafe(ref source, (nuint)(index + Count)).AsUInt64();
        even = new(Vector256.Narrow(lower, upper).AsSingle());
        odd = new(Vector256.Narrow(Vector256.ShiftRightLogical(lower, 32), Vector256.ShiftRightLogical(upper, 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vec256 even, Vec256 odd, ref float destination, nint index)
    {
        var e = even._value.AsUInt32();
        var o = odd._value.AsUInt32();
        (Vector256.WidenLower(e) | Vector256.ShiftLeft(Vector256.WidenLower(o), 32)).AsSingle().StoreUnsafe(ref destination, (nuint)index);
        (Vector256.WidenUpper(e) | Vector256.ShiftLeft(Vector256.WidenUpper(o), 32)).AsSingle().StoreUnsafe(ref destination, (nuint)(index + Count));
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
