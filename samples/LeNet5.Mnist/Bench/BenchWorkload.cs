namespace LeNet5.Mnist.Bench;

/// <summary>One figure of <c>lenet5 bench</c>: training or inference at a batch size on a number of threads.</summary>
/// <param name="Training">Training steps (gradients and an optimiser step) rather than inference.</param>
/// <param name="Batch">Images per step or per call.</param>
/// <param name="Threads">Threads the library is allowed (the trainer's <c>Threads</c>, the predictor's degree of parallelism).</param>
internal sealed record BenchWorkload(bool Training, int Batch, int Threads)
{
    /// <summary>The JSON key: <c>train_b64_t2</c>, <c>infer_b1_t1</c>, …</summary>
    public string Key => $"{(Training ? "train" : "infer")}_b{Batch}_t{Threads}";

    /// <summary>"training" or "inference".</summary>
    public string Kind => Training ? "training" : "inference";

    /// <summary>
    /// Every figure for a machine with <paramref name="processorCount"/> logical processors: inference, then
    /// training, each at batch 1 on one thread and at batches 64 and 256 on 1, 2 and all threads (2 is always
    /// measured, as the figures the project quotes use it; on a one-processor machine it is oversubscribed).
    /// Batch 1 runs on one thread only: the library gives one image one thread.
    /// </summary>
    public static IReadOnlyList<BenchWorkload> All(int processorCount)
    {
        int[] threads = new SortedSet<int> { 1, 2, Math.Max(1, processorCount) }.ToArray();
        var all = new List<BenchWorkload>();
        foreach (bool training in new[] { false, true })
        {
            all.Add(new BenchWorkload(training, 1, 1));
            foreach (int batch in new[] { 64, 256 })
            {
                foreach (int t in threads)
                    all.Add(new BenchWorkload(training, batch, t));
            }
        }
        return all;
    }
}
