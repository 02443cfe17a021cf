using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Kernels;

/// <summary>
/// A vector of floats of one fixed width. Kernels are written once, generic over this interface, and the
/// JIT specialises them per width; <see cref="Vec512"/>, <see cref="Vec256"/>, <see cref="Vec128"/> and
/// <see cref="Vec1"/> (one lane: the scalar path) all run the same code, so tests can force every width.
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

    /// <summary>Zeroes lanes below <paramref name="firstKept"/>: used to drop the lanes an overlapping tail vector shares with the previous one.</summary>
    static abstract TSelf ClearLanesBelow(TSelf value, int firstKept);

    static abstract float Sum(TSelf value);
}

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
    public static Vec512 WhereGreaterThanZero(Vec512 condition, Vec512 value) => new(Vector512.GreaterThan(condition._value, Vector512<float>.Zero) & value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 MultiplyAdd(Vec512 a, Vec512 b, Vec512 c)
#if NET9_0_OR_GREATER
        => new(Vector512.FusedMultiplyAdd(a._value, b._value, c._value));
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
    public static Vec256 WhereGreaterThanZero(Vec256 condition, Vec256 value) => new(Vector256.GreaterThan(condition._value, Vector256<float>.Zero) & value._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 MultiplyAdd(Vec256 a, Vec256 b, Vec256 c)
#if NET9_0_OR_GREATER
        => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));
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
    public static Vec128 WhereGreaterThanZero(Vec128 condition, Vec128 value) => new(Vector128.GreaterThan(condition._value, Vector128<float>.Zero) & value._value);
    /// <remarks>
    /// WebAssembly SIMD has no fused multiply-add (only relaxed SIMD's, which is off by default and may round either
    /// way), so there Vector128.FusedMultiplyAdd is a software fallback, lane by lane: in the browser's interpreter
    /// it made the forward pass about 4× slower than a multiply and an add. WebAssembly therefore multiplies, then
    /// adds (rounding twice, as net8.0 does on hardware without FMA); every other platform keeps the fused form.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 MultiplyAdd(Vec128 a, Vec128 b, Vec128 c)
#if NET9_0_OR_GREATER
        => new(System.Runtime.Intrinsics.Wasm.PackedSimd.IsSupported ? (a._value * b._value) + c._value : Vector128.FusedMultiplyAdd(a._value, b._value, c._value));
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

/// <summary>One lane: the scalar path, run by the same generic kernels.</summary>
internal readonly struct Vec1 : ISimdVector<Vec1>
{
    private readonly float _value;
    private Vec1(float value) => _value = value;

    public static int Count => 1;
    public static bool IsHardwareAccelerated => true;
    public static Vec1 Zero => default;
    public static Vec1 Broadcast(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec1 Load(ref float source, nint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec1 value, ref float destination, nint index) => Unsafe.Add(ref destination, index) = value._value;
    public static Vec1 Add(Vec1 left, Vec1 right) => new(left._value + right._value);
    public static Vec1 Subtract(Vec1 left, Vec1 right) => new(left._value - right._value);
    public static Vec1 Multiply(Vec1 left, Vec1 right) => new(left._value * right._value);
    public static Vec1 Divide(Vec1 left, Vec1 right) => new(left._value / right._value);
    public static Vec1 Sqrt(Vec1 value) => new(MathF.Sqrt(value._value));
    public static Vec1 Min(Vec1 left, Vec1 right) => new(MathF.Min(left._value, right._value));
    public static Vec1 Max(Vec1 left, Vec1 right) => new(MathF.Max(left._value, right._value));
    public static Vec1 WhereGreaterThanZero(Vec1 condition, Vec1 value) => condition._value > 0f ? value : default;
    public static Vec1 MultiplyAdd(Vec1 a, Vec1 b, Vec1 c) => new(MathF.FusedMultiplyAdd(a._value, b._value, c._value));
    public static Vec1 ClearLanesBelow(Vec1 value, int firstKept) => firstKept > 0 ? default : value;
    public static float Sum(Vec1 value) => value._value;
}

/// <summary>
/// The one place that picks a vector width.
/// <para>
/// Every kernel with a loop is marked <c>NoInlining | AggressiveOptimization</c>: it is compiled once, fully optimised,
/// on its first call, and never inlined into its dispatcher. Left to tiered compilation, a dispatcher recompiled with
/// dynamic PGO inlined the kernel body and ran it as poorly optimised code: C5's forward pass at batch 1 took 52 µs
/// instead of 4 (measured on this project's 2-core AVX-512 machine; <c>DOTNET_TieredCompilation=0</c> gave the same 4 µs).
/// </para>
/// </summary>
internal static class Simd
{
    /// <summary>0, 1, …, 15: lane numbers, for building masks (Vector512&lt;int&gt;.Indices is .NET 9+).</summary>
    internal static readonly int[] LaneIndices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    /// <summary>
    /// Widest width kernels may use, in bits (512, 256, 128, or 32 for scalar). Defaults to the widest the
    /// hardware accelerates; tests lower it to run the narrower paths on any machine.
    /// </summary>
    internal static int MaxBits { get; set; } = DetectMaxBits();

    internal static int DetectMaxBits() =>
        Vec512.IsHardwareAccelerated ? 512 : Vec256.IsHardwareAccelerated ? 256 : Vec128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Widest allowed width (in floats) that fits in <paramref name="length"/>: 16, 8, 4 or 1.</summary>
    internal static int WidthFor(int length)
    {
        int bits = MaxBits;
        if (bits >= 512 && length >= 16) return 16;
        if (bits >= 256 && length >= 8) return 8;
        if (bits >= 128 && length >= 4) return 4;
        return 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float Ref(Span<float> span) => ref MemoryMarshal.GetReference(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref float Ref(ReadOnlySpan<float> span) => ref MemoryMarshal.GetReference(span);
}
