using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LeNet5.Mnist.Bench;

/// <summary>
/// This machine's fp32 multiply-add peak for one core, measured: twelve independent chains of fused
/// multiply-adds on the widest vector the hardware accelerates. Twelve chains cover an FMA latency of 4–6 cycles
/// on two pipes, so the loop is bound by FMA throughput alone; its values converge to c/(1−m) and never go
/// denormal.
/// </summary>
internal static class FmaPeak
{
    private const int Chains = 12;

    /// <summary>The vector the calibration uses, in bits.</summary>
    public static int Bits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Whether the hardware fuses the multiply-add (otherwise a multiply and an add count as one multiply-add).</summary>
    public static bool Fused => Fma.IsSupported || AdvSimd.IsSupported || Avx512F.IsSupported;

    /// <summary>Multiply-adds per second on one core (the calling thread): the best of a few short runs totalling about <paramref name="seconds"/>.</summary>
    public static double MeasurePerCore(double seconds)
    {
        Run(1000); // compile
        const int Runs = 5;
        long iterations = 1000;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds / (4 * Runs))
        {
            iterations *= 2;
            clock.Restart();
            Run(iterations);
        }
        double best = 0;
        for (int r = 0; r < Runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            Run(iterations);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, iterations * (double)Chains * (Bits / 32) / elapsed);
        }
        return best;
    }

    private static float Run(long iterations) => Bits switch
    {
        512 => Chains512(iterations),
        256 => Chains256(iterations),
        128 => Chains128(iterations),
        _ => ChainsScalar(iterations),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999f), c = Vector512.Create(1e-4f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999f), c = Vector256.Create(1e-4f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        if (Fma.IsSupported)
        {
            for (long i = 0; i < iterations; i++)
            {
                a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
                a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
                a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
                a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
            }
        }
        else
        {
            for (long i = 0; i < iterations; i++)
            {
                a0 = (a0 * m) + c; a1 = (a1 * m) + c; a2 = (a2 * m) + c; a3 = (a3 * m) + c; a4 = (a4 * m) + c; a5 = (a5 * m) + c;
                a6 = (a6 * m) + c; a7 = (a7 * m) + c; a8 = (a8 * m) + c; a9 = (a9 * m) + c; a10 = (a10 * m) + c; a11 = (a11 * m) + c;
            }
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains128(long iterations)
    {
        Vector128<float> m = Vector128.Create(0.9999f), c = Vector128.Create(1e-4f);
        Vector128<float> a0 = Vector128.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        if (Fused)
        {
            for (long i = 0; i < iterations; i++)
            {
                a0 = Vector128.FusedMultiplyAdd(a0, m, c); a1 = Vector128.FusedMultiplyAdd(a1, m, c);
                a2 = Vector128.FusedMultiplyAdd(a2, m, c); a3 = Vector128.FusedMultiplyAdd(a3, m, c);
                a4 = Vector128.FusedMultiplyAdd(a4, m, c); a5 = Vector128.FusedMultiplyAdd(a5, m, c);
                a6 = Vector128.FusedMultiplyAdd(a6, m, c); a7 = Vector128.FusedMultiplyAdd(a7, m, c);
                a8 = Vector128.FusedMultiplyAdd(a8, m, c); a9 = Vector128.FusedMultiplyAdd(a9, m, c);
                a10 = Vector128.FusedMultiplyAdd(a10, m, c); a11 = Vector128.FusedMultiplyAdd(a11, m, c);
            }
        }
        else
        {
            for (long i = 0; i < iterations; i++)
            {
                a0 = (a0 * m) + c; a1 = (a1 * m) + c; a2 = (a2 * m) + c; a3 = (a3 * m) + c; a4 = (a4 * m) + c; a5 = (a5 * m) + c;
                a6 = (a6 * m) + c; a7 = (a7 * m) + c; a8 = (a8 * m) + c; a9 = (a9 * m) + c; a10 = (a10 * m) + c; a11 = (a11 * m) + c;
            }
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float ChainsScalar(long iterations)
    {
        float m = 0.9999f, c = 1e-4f;
        float a0 = 1f, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = (a0 * m) + c; a1 = (a1 * m) + c; a2 = (a2 * m) + c; a3 = (a3 * m) + c; a4 = (a4 * m) + c; a5 = (a5 * m) + c;
            a6 = (a6 * m) + c; a7 = (a7 * m) + c; a8 = (a8 * m) + c; a9 = (a9 * m) + c; a10 = (a10 * m) + c; a11 = (a11 * m) + c;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
