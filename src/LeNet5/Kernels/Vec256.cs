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
