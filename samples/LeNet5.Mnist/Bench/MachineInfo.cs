using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LeNet5.Network;

namespace LeNet5.Mnist.Bench;

/// <summary>What the benchmark ran on: the CPU's name, the vector widths the hardware accelerates and the one the library uses.</summary>
internal static class MachineInfo
{
    /// <summary>The "model name" of /proc/cpuinfo on Linux; elsewhere (or when it is missing) the processor architecture and OS.</summary>
    public static string CpuName()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    // "model name" on x86; some Arm kernels give "Model" or "Hardware" instead.
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && line[..colon].Trim() is "model name" or "Model" or "Hardware" && line[(colon + 1)..].Trim() is { Length: > 0 } name)
                        return name;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        string? identifier = OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") : null;
        return identifier ?? $"{RuntimeInformation.ProcessArchitecture} ({RuntimeInformation.OSDescription})";
    }

    /// <summary>For example "256-bit (Vector512 no, Vector256 yes, Vector128 yes)".</summary>
    public static string SimdDescription() =>
        $"{LeNet5Network.VectorBits}-bit (Vector512 {YesNo(Vector512.IsHardwareAccelerated)}, Vector256 {YesNo(Vector256.IsHardwareAccelerated)}, Vector128 {YesNo(Vector128.IsHardwareAccelerated)})";

    private static string YesNo(bool value) => value ? "yes" : "no";
}
