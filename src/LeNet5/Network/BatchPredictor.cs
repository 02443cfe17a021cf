
namespace LeNet5.Network;

/// <summary>
/// Classifies large batches on up to a given number of threads. It owns one <see cref="NetworkWorkspace"/> per
/// thread and a fixed group of worker threads (the calling thread is one of them), so that, once created, a call
/// allocates nothing. A batch is split into contiguous ranges, one per thread, each predicted in chunks of
/// <see cref="ChunkSize"/> images; since every image's result depends only on that image, the predictions and
/// scores are bit for bit those of a single-threaded <see cref="LeNet5Network.Predict(NetworkWorkspace, ReadOnlySpan{float}, Span{int}, Span{float})"/> over the whole batch.
/// A single image, or a predictor with one thread, runs on the calling thread alone.
/// </summary>
/// <remarks>
/// Calls on one predictor are serialised (a second concurrent call waits for the first); threads that need to
/// predict at the same time should each use their own predictor, or their own workspace with
/// <see cref="LeNet5Network.Predict(NetworkWorkspace, ReadOnlySpan{float}, Span{int}, Span{float})"/>. Dispose the predictor to stop its threads. The predictor reads the
/// network's parameters at each call, so it sees any change made between calls.
/// </remarks>
public sealed unsafe class BatchPredictor : IDisposable
{
    /// <summary>The default <see cref="ChunkSize"/>: images a thread runs through the network at once.</summary>
    public const int DefaultChunkSize = 64;

    private readonly LeNet5Network _network;
    private readonly NetworkWorkspace[] _workspaces;
    private readonly WorkerGroup _workers;
    private readonly Action<int> _work;
    private readonly object _gate = new();
    private bool _disposed;

    // The batch of the current round, pinned by the calling thread for the round's duration.
    private float* _inputs;
    private int* _predictions;
    private float* _scores;
    private int _count;
    private int _active;

    /// <summary>A predictor for <paramref name="network"/> on up to <paramref name="maxDegreeOfParallelism"/> threads.</summary>
    /// <param name="network">The network to run; the predictor does not modify it.</param>
    /// <param name="maxDegreeOfParallelism">The most threads a call uses, the calling thread included (at least 1).
    /// <see cref="Environment.ProcessorCount"/> uses every core.</param>
    /// <param name="chunkSize">Images each thread runs through the network at once (at least 1): the capacity
    /// of its workspace, whose buffers take about 70 KB per image.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> or <paramref name="chunkSize"/> is 0 or negative.</exception>
    public BatchPredictor(LeNet5Network network, int maxDegreeOfParallelism, int chunkSize = DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDegreeOfParallelism);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        _network = network;
        ChunkSize = chunkSize;
        _workspaces = new NetworkWorkspace[maxDegreeOfParallelism];
        for (int w = 0; w < _workspaces.Length; w++)
            _workspaces[w] = network.CreateWorkspace(chunkSize);
        _workers = new WorkerGroup(maxDegreeOfParallelism);
        _work = Work;
    }

    /// <summary>The network this predictor runs.</summary>
    public LeNet5Network Network => _network;

    /// <summary>The most threads a call uses, the calling thread included.</summary>
    public int MaxDegreeOfParallelism => _workspaces.Length;

    /// <summary>Images each thread runs through the network at once.</summary>
    public int ChunkSize { get; }

    /// <summary>
    /// Classifies a batch of any size: the smallest RBF penalty (Classic) or the largest logit (Modern), as
    /// <see cref="LeNet5Network.Predict(NetworkWorkspace, ReadOnlySpan{float}, Span{int}, Span{float})"/>. Writes one class per image, and the 10 scores per image into
    /// <paramref name="scores"/> unless it is empty. Uses at most one thread per image.
    /// </summary>
    /// <param name="inputs">Whole 32×32 images (<see cref="LeNet5Network.InputSize"/> floats each), one after another.</param>
    /// <param name="predictions">At least one element per image.</param>
    /// <param name="scores">Empty, or at least <see cref="LeNet5Network.Classes"/> floats per image.</param>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is empty or not whole images.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="predictions"/> or <paramref name="scores"/> is too short.</exception>
    /// <exception cref="ObjectDisposedException">The predictor is disposed.</exception>
    public void Predict(ReadOnlySpan<float> inputs, Span<int> predictions, Span<float> scores = default)
    {
        if (inputs.Length == 0 || inputs.Length % LeNet5Network.InputSize != 0)
            throw new ArgumentException($"Inputs must be whole 32×32 images ({LeNet5Network.InputSize} floats each); got {inputs.Length} floats.", nameof(inputs));
        int count = inputs.Length / LeNet5Network.InputSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(predictions.Length, count, nameof(predictions));
        if (!scores.IsEmpty)
            ArgumentOutOfRangeException.ThrowIfLessThan(scores.Length, count * LeNet5Network.Classes, nameof(scores));

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int workers = Math.Min(_workspaces.Length, count);
            if (workers == 1)
            {
                PredictRange(_workspaces[0], inputs, predictions, scores);
                return;
            }
            fixed (float* inputPointer = inputs)
            fixed (int* predictionPointer = predictions)
            fixed (float* scorePointer = scores)
            {
                _inputs = inputPointer;
                _predictions = predictionPointer;
                _scores = scores.IsEmpty ? null : scorePointer;
                _count = count;
                _active = workers;
                try
                {
                    _workers.Run(_work);
                }
                finally
                {
                    _inputs = null;
                    _predictions = null;
                    _scores = null;
                }
            }
        }
    }

    /// <summary>Worker <paramref name="worker"/>'s share of the current batch: a contiguous range of images.</summary>
    private void Work(int worker)
    {
        if (worker >= _active)
            return;
        int from = (int)((long)worker * _count / _active), to = (int)((long)(worker + 1) * _count / _active);
        int images = to - from;
        var inputs = new ReadOnlySpan<float>(_inputs + ((nint)from * LeNet5Network.InputSize), images * LeNet5Network.InputSize);
        var predictions = new Span<int>(_predictions + from, images);
        Span<float> scores = _scores is null ? default : new Span<float>(_scores + ((nint)from * LeNet5Network.Classes), images * LeNet5Network.Classes);
        PredictRange(_workspaces[worker], inputs, predictions, scores);
    }

    private void PredictRange(NetworkWorkspace workspace, ReadOnlySpan<float> inputs, Span<int> predictions, Span<float> scores)
    {
        int count = inputs.Length / LeNet5Network.InputSize, chunk = workspace.Capacity;
        for (int start = 0; start < count; start += chunk)
        {
            int images = Math.Min(chunk, count - start);
            _network.Predict(workspace, inputs.Slice(start * LeNet5Network.InputSize, images * LeNet5Network.InputSize), predictions.Slice(start, images),
                scores.IsEmpty ? default : scores.Slice(start * LeNet5Network.Classes, images * LeNet5Network.Classes));
        }
    }

    /// <summary>Stops the worker threads. Later calls to <see cref="Predict"/> throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _workers.Dispose();
        }
    }
}
