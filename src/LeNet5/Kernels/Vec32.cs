using System.Runtime.CompilerServices;

namespace LeNet5.Kernels;

/// <summary>One 32-bit lane: the scalar path, run by the same generic kernels (<see cref="Simd.MaxBits"/> = 32).</summary>
internal readonly struct Vec32 : ISimdVector<Vec32>
{
    private readonly float _value;
    private Vec32(float value) => _value = value;

    /// <summary>A mask lane: every bit set (a NaN), as the vector comparisons make it.</summary>
    private static readonly float AllBits = BitConverter.Int32BitsToSingle(-1);

    public static int Count => 1;
    public static bool IsHardwareAccelerated => true;
    public static Vec32 Zero => default;
    public static Vec32 Broadcast(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec32 Load(ref float source, nint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vec32 value, ref float destination, nint index) => Unsafe.Add(ref destination, index) = value._value;
    public static Vec32 Add(Vec32 left, Vec32 right) => new(left._value + right._value);
    public static Vec32 Subtract(Vec32 left, Vec32 right) => new(left._value - right._value);
    public static Vec32 Multiply(Vec32 left, Vec32 right) => new(left._value * right._value);
    public static Vec32 Divide(Vec32 left, Vec32 right) => new(left._value / right._value);
    public static Vec32 Sqrt(Vec32 value) => new(MathF.Sqrt(value._value));
    public static Vec32 Min(Vec32 left, Vec32 right) => new(MathF.Min(left._value, right._value));
    public static Vec32 Max(Vec32 left, Vec32 right) => new(MathF.Max(left._value, right._value));
    public static Vec32 GreaterThan(Vec32 left, Vec32 right) => new(left._value > right._value ? AllBits : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec32 Select(Vec32 mask, Vec32 ifTrue, Vec32 ifFalse) => BitConverter.SingleToInt32Bits(mask._value) != 0 ? ifTrue : ifFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec32 AndNot(Vec32 value, Vec32 mask) => BitConverter.SingleToInt32Bits(mask._value) != 0 ? default : value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadDeinterleaved(ref float source, nint index, out Vec32 even, out Vec32 odd)
    {
        even = new(Unsafe.Add(ref source, index));
        odd = new(Unsafe.Add(ref source, index + 1));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Vec32 even, Vec32 odd, out Vec32 lower, out Vec32 upper)
    {
        lower = even;
        upper = odd;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vec32 even, Vec32 odd, ref float destination, nint index)
    {
        Unsafe.Add(ref destination, index) = even._value;
        Unsafe.Add(ref destination, index + 1) = odd._value;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec32 FlushSubnormal(Vec32 value) => MathF.Abs(value._value) < Simd.MinNormal ? default : value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec32 WhereGreaterThanZero(Vec32 condition, Vec32 value) => condition._value > 0f ? value : default;
    // Fused only where the hardware fuses: elsewhere MathF.FusedMultiplyAdd is a call into a software fma (see Vec128).
    public static Vec32 MultiplyAdd(Vec32 a, Vec32 b, Vec32 c) => new(Simd.HardwareFusesMultiplyAdd
        ? MathF.FusedMultiplyAdd(a._value, b._value, c._value) : (a._value * b._value) + c._value);
    public static Vec32 ClearLanesBelow(Vec32 value, int firstKept) => firstKept > 0 ? default : value;
    public static float Sum(Vec32 value) => value._value;
}
