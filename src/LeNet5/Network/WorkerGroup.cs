namespace LeNet5.Network;

/// <summary>
/// A fixed group of threads that run one piece of work each, in lock-step with the calling thread (which is
/// worker 0). Unlike Parallel.For, a round allocates nothing, and each worker always takes the same index,
/// so per-worker buffers stay with one thread.
/// </summary>
/// <remarks>
/// In a browser (WebAssembly, <see cref="OperatingSystem.IsBrowser"/>) and under WASI there are no threads to start
/// (<c>Thread.Start</c> throws there): the group then starts none and runs worker 0, 1, … in turn on the calling
/// thread, so the work, each worker's buffers and the order the caller combines them in, and so the results, are the
/// same as with threads.
/// </remarks>
internal sealed class WorkerGroup : IDisposable
{
    private readonly Barrier? _start;
    private readonly Barrier? _done;
    private readonly Thread[] _threads;
    private Action<int>? _work;
    private Exception? _failure;
    private volatile bool _stopping;

    public WorkerGroup(int workers)
        : this(workers, startThreads: !(OperatingSystem.IsBrowser() || OperatingSystem.IsWasi()))
    {
    }

    /// <summary>A group of <paramref name="workers"/>; without <paramref name="startThreads"/> they take turns on the calling thread.</summary>
    internal WorkerGroup(int workers, bool startThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        Workers = workers;
        StartsThreads = startThreads && workers > 1;
        _threads = new Thread[StartsThreads ? workers - 1 : 0];
        if (!StartsThreads)
            return;
        _start = new Barrier(workers);
        _done = new Barrier(workers);
        for (int i = 1; i < workers; i++)
        {
            int index = i;
            _threads[i - 1] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"LeNet5 worker {index}" };
            _threads[i - 1].Start();
        }
    }

    public int Workers { get; }

    /// <summary>Whether the group runs its workers on threads of their own (false for one worker, and in a browser).</summary>
    internal bool StartsThreads { get; }

    /// <summary>Runs <paramref name="work"/>(i) for every worker i at once and returns when all have finished.</summary>
    public void Run(Action<int> work)
    {
        if (Workers == 1)
        {
            work(0);
            return;
        }
        _work = work;
        _failure = null;
        if (StartsThreads)
        {
            _start!.SignalAndWait();
            Execute(0);
            _done!.SignalAndWait();
        }
        else
        {
            for (int i = 0; i < Workers; i++)
                Execute(i);
        }
        _work = null;
        if (_failure is { } failure)
            throw new AggregateException(failure);
    }

    private void Loop(int index)
    {
        while (true)
        {
            _start!.SignalAndWait();
            if (_stopping)
                return;
            Execute(index);
            _done!.SignalAndWait();
        }
    }

    private void Execute(int index)
    {
        try
        {
            _work!(index);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
        }
    }

    public void Dispose()
    {
        if (StartsThreads && !_stopping)
        {
            _stopping = true;
            _start!.SignalAndWait();
            foreach (var thread in _threads)
                thread.Join();
        }
        _start?.Dispose();
        _done?.Dispose();
    }
}
