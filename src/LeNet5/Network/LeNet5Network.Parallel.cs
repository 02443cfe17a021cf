using LeNet5.Kernels;

namespace LeNet5.Network;

public sealed partial class LeNet5Network
{
    /// <summary>
    /// The widest SIMD vector the kernels use on this machine, in bits: 512, 256 or 128, or 32 when they run
    /// scalar. The widest width the hardware accelerates (<c>Vector512</c>, <c>Vector256</c>, <c>Vector128</c>),
    /// unless the runtime was told not to use it (for example <c>DOTNET_EnableAVX512=0</c>) or
    /// <see cref="VectorBitsVariable"/> caps it.
    /// </summary>
    public static int VectorBits => Simd.MaxBits;

    /// <summary>
    /// <c>LENET5_VECTOR_BITS</c>: set to 256, 128 or 32 before the process starts, it caps <see cref="VectorBits"/>, the
    /// width of the library's kernels and of its sums: a capped run computes, bit for bit, what a machine of that width
    /// with a fused multiply-add computes. Unlike <c>DOTNET_EnableAVX2=0</c> it keeps the hardware's fused multiply-add.
    /// A width above the hardware's gives the hardware's; other values are ignored.
    /// </summary>
    public const string VectorBitsVariable = Simd.VectorBitsVariable;

    /// <summary>
    /// A <see cref="BatchPredictor"/> for this network: large batches on up to
    /// <paramref name="maxDegreeOfParallelism"/> threads, allocating nothing per call. Dispose it to stop its threads.
    /// </summary>
    /// <param name="maxDegreeOfParallelism">The most threads a call uses, the calling thread included (at least 1).</param>
    /// <param name="chunkSize">Images each thread runs through the network at once (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is 0 or negative.</exception>
    public BatchPredictor CreateBatchPredictor(int maxDegreeOfParallelism, int chunkSize = BatchPredictor.DefaultChunkSize)
        => new(this, maxDegreeOfParallelism, chunkSize);
}
