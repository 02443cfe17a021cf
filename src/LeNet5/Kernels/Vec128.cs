using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Kernels;

internal readonly struct Vec128 : ISimdVector<Vec128>
{
    private readonly Vector128<float> _value;
    private Vec128(Vector128<float> value) => _value = value;

    public static int Count => Vector128<float>.Count;
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;
    public static Vec128 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Broadcast(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Load(ref float source, nint index) => new(Vector128.LoadUnsafe(ref source, (nuint)index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec128 value, ref float destination, nint index) => value._value.StoreUnsafe(ref destination, (nuint)index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Add(Vec128 left, Vec128 right) => new(left._value + right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Subtract(Vec128 left, Vec128 right) => new(left._value - right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Multiply(Vec128 left, Vec128 right) => new(left._value * right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Divide(Vec128 left, Vec128 right) => new(left._value / right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec128 Sqrt(Vec128 value) => new(Vector128.Sqrt(value._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Min(Vec128 left, Vec128 right) => new(Sse.IsSupported ? Sse.Min(left._value, right._value)
        : AdvSimd.IsSupported ? AdvSimd.Min(left._value, right._value) : Vector128.Min(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Max(Vec128 left, Vec128 right) => new(Sse.IsSupported ? Sse.Max(left._value, right._value)
        : AdvSimd.IsSupported ? AdvSimd.Max(left._value, right._value) : Vector128.Max(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 FlushSubnormal(Vec128 value)
        => new(Vector128.AndNot(value._value, Vector128.LessThan(Vector128.Abs(value._value), Vector128.Create(Simd.MinNormal))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 GreaterThan(Vec128 left, Vec128 right) => new(Vector128.GreaterThan(left._value, right._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Select(Vec128 mask, Vec128 ifTrue, Vec128 ifFalse) => new(Vector128.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 AndNot(Vec128 value, Vec128 mask) => new(Vector128.AndNot(value._value, mask._value));
    /// <summary>One shuffle or unpack per vector on x86; elsewhere each (even, odd) pair is one 64-bit lane whose low half is the even float, so narrowing keeps it (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(ref float source, nint index, out Vec128 even, out Vec128 odd)
    {
        if (Sse.IsSupported)
        {
            var first = Vector128.LoadUnsafe(ref source, (nuint)index);
            var second = Vector128.LoadUnsafe(ref source, (nuint)(index + Count));
            even = new(Sse.Shuffle(first, second, 0b10_00_10_00));
            odd = new(Sse.Shuffle(first, second, 0b11_01_11_01));
            return;
        }
        var lower = Vector128.LoadUnsafe(ref source, (nuint)index).AsUInt64();
        var upper = Vector128.LoadUnsafe(ref source, (nuint)(index + Count)).AsUInt64();
        even = new(Vector128.Narrow(lower, upper).AsSingle());
        odd = new(Vector128.Narrow(Vector128.ShiftRightLogical(lower, 32), Vector128.ShiftRightLogical(upper, 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Vec128 even, Vec128 odd, out Vec128 lower, out Vec128 upper)
    {
        if (Sse.IsSupported)
        {
            lower = new(Sse.UnpackLow(even._value, odd._value));
            upper = new(Sse.UnpackHigh(even._value, odd._value));
            return;
        }
        var e = even._value.AsUInt32();
        var o = odd._value.AsUInt32();
        lower = new((Vector128.WidenLower(e) | Vector128.ShiftLeft(Vector128.WidenLower(o), 32)).AsSingle());
        upper = new((Vector128.WidenUpper(e) | Vector128.ShiftLeft(Vector128.WidenUpper(o), 32)).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vec128 even, Vec128 odd, ref float destination, nint index)
    {
        Interleave(even, odd, out var lower, out var upper);
        Store(lower, ref destination, index);
        Store(upper, ref destination, index + Count);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 WhereGreaterThanZero(Vec128 condition, Vec128 value) => new(Vector128.GreaterThan(condition._value, Vector128<float>.Zero) & value._value);
    /// <remarks>
    /// Fused only where the hardware fuses. Elsewhere Vector128.FusedMultiplyAdd is a software fallback, lane by lane:
    /// WebAssembly SIMD has none (only relaxed SIMD's, off by default), and neither has an x86 CPU without FMA — which
    /// is also what <c>DOTNET_EnableAVX2=0</c> gives on .NET 10, where AVX2 and FMA are switched off together. There
    /// the fallback made the browser's forward pass about 4× slower than a multiply and an add (which round twice, as
    /// net8.0 always did there), and on the desktop a 60,000-image Classic training pass took 846 s where the multiply
    /// and add take under two minutes (both measured on a loaded 2-core machine).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 MultiplyAdd(Vec128 a, Vec128 b, Vec128 c)
#if NET9_0_OR_GREATER
        => new(Simd.HardwareFusesMultiplyAdd ? Vector128.FusedMultiplyAdd(a._value, b._value, c._value) : (a._value * b._value) + c._value);
#else
        => new(Fma.IsSupported ? Fma.MultiplyAdd(a._value, b._value, c._value)
            : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c._value, a._value, b._value) : (a._value * b._value) + c._value);
#endif
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 ClearLanesBelow(Vec128 value, int firstKept)
        => new(Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Simd.LaneIndices)), Vector128.Create(firstKept)).AsSingle() & value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vec128 value) => SumOf(value._value);

    /// <summary>(v0 + v2) + (v1 + v3), by two shuffles: the same order at every width, so every path reduces alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SumOf(Vector128<float> v)
    {
        v += Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1));
        v += Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2));
        return v.ToScalar();
    }
}
