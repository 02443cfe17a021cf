using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LeNet5.Kernels;

/// <summary>
/// The one place that picks a vector width.
/// <para>
/// Every kernel with a loop is marked <c>NoInlining | AggressiveOptimization</c>: it is compiled once, fully optimised,
/// on its first call, and never inlined into its dispatcher. Left to tiered compilation, a dispatcher recompiled with
/// dynamic PGO inlined the kernel body and ran it as poorly optimised code: C5's forward pass at batch 1 took 52 µs
/// instead of 4 (measured on this project's 2-core AVX-512 machine; <c>DOTNET_TieredCompilation=0</c> gave the same 4 µs).
/// </para>
/// <para>
/// <see cref="WidthFor"/> makes the choice; each kernel's entry point turns it into a type argument with a four-case
/// switch. One generic dispatcher taking the kernel as a struct would have to carry the kernel's spans, which needs a
/// ref struct as a type argument (<c>allows ref struct</c>, .NET 9 and later); the library also targets .NET 8.
/// </para>
/// </summary>
internal static class Simd
{
    /// <summary>0, 1, …, 15: lane numbers, for building masks (Vector512&lt;int&gt;.Indices is .NET 9+).</summary>
    internal static readonly int[] LaneIndices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    /// <summary>The smallest positive normal float, 2^−126 (below it are the subnormals).</summary>
    internal const float MinNormal = 1.17549435E-38f;

    /// <summary>
    /// Whether the hardware fuses a multiply and an add (FMA on x86, AdvSimd on Arm). Every width's MultiplyAdd fuses
    /// only then, so all widths round alike; elsewhere .NET's FusedMultiplyAdd is a lane-by-lane software fallback.
    /// </summary>
    internal static bool HardwareFusesMultiplyAdd => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>
    /// The environment variable that caps the width: <c>LENET5_VECTOR_BITS=256</c> runs the library's kernels on their
    /// 256-bit path on an AVX-512 machine, keeping the fused multiply-add (which <c>DOTNET_EnableAVX2=0</c> would switch
    /// off); the sums run at the capped width too (<see cref="ReductionKernels"/>), so the results are, bit for bit, an
    /// AVX2 machine's. 512, 256, 128 or 32 (scalar); a width above the hardware's gives the hardware's, anything else is ignored.
    /// </summary>
    internal const string VectorBitsVariable = "LENET5_VECTOR_BITS";

    /// <summary>
    /// Widest width kernels may use, in bits (512, 256, 128, or 32 for scalar). Defaults to the widest the
    /// hardware accelerates, capped by <see cref="VectorBitsVariable"/>; tests lower it to run the narrower paths on any machine.
    /// </summary>
    internal static int MaxBits { get; set; } = DetectMaxBits();

    internal static int DetectMaxBits() => Cap(HardwareBits(), Environment.GetEnvironmentVariable(VectorBitsVariable));

    internal static int HardwareBits() =>
        Vec512.IsHardwareAccelerated ? 512 : Vec256.IsHardwareAccelerated ? 256 : Vec128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>The width <paramref name="requested"/> (a <see cref="VectorBitsVariable"/> value) allows on hardware of <paramref name="hardware"/> bits.</summary>
    internal static int Cap(int hardware, string? requested) => ParseBits(requested) is { } bits ? Math.Min(hardware, bits) : hardware;

    /// <summary>512, 256, 128 or 32 from their decimal text, else null.</summary>
    internal static int? ParseBits(string? text) => text?.Trim() switch
    {
        "512" => 512,
        "256" => 256,
        "128" => 128,
        "32" => 32,
        _ => null,
    };

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
