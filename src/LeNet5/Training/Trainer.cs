using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Network;

namespace LeNet5.Training;

/// <summary>
/// Trains a network pass by pass: a seeded shuffle per pass, for SDLM a fresh estimate of the Hessian
/// diagonal before each pass (Appendix C), minibatches split across worker threads that each own a workspace,
/// their gradients summed in worker order (so a seed and a thread count fix the result to the bit), and a
/// checkpoint after each pass. The library writes nothing to the console: progress goes to an
/// <see cref="IProgress{T}"/>, and a <see cref="CancellationToken"/> stops the run between batches.
/// </summary>
public sealed class Trainer : IDisposable
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(0.5);

    private readonly LeNet5Network _network;
    private readonly TrainingOptions _options;
    private readonly WorkerGroup _workers;
    private readonly NetworkWorkspace[] _workspaces;
    private readonly float[][] _inputs;
    private readonly int[][] _labels;
    private readonly float[] _losses;
    private readonly float[][] _distorted;
    private readonly SeededRandom[] _distortionRandom;
    // The generator of each pass's shuffle (and of the paper protocol's pool), restarted per pass.
    private readonly SeededRandom _shuffle = new(0);
    private int[] _order = [];
    // The paper's protocol (DistortionOptions.Copies > 0): which copy of _order[i] is shown (0 the original), and the
    // pool's permutation for the current round of Copies + 1 passes.
    private int[] _copies = [];
    private int[] _pool = [];
    private int _poolRound = -1;
    private double? _lastTestError;

    /// <summary>A trainer for <paramref name="network"/>, which it updates in place.</summary>
    public Trainer(LeNet5Network network, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _network = network;
        _options = options;
        int workers = Math.Min(options.Threads, options.BatchSize);
        int perWorker = (options.BatchSize + workers - 1) / workers;
        _workers = new WorkerGroup(workers);
        _workspaces = new NetworkWorkspace[workers];
        _inputs = new float[workers][];
        _labels = new int[workers][];
        _losses = new float[workers];
        _distorted = new float[workers][];
        _distortionRandom = new SeededRandom[workers];
        for (int w = 0; w < workers; w++)
        {
            _workspaces[w] = network.CreateWorkspace(Math.Max(perWorker, w == 0 ? Math.Min(options.CurvatureSamples, 64) : 0));
            _inputs[w] = new float[_workspaces[w].Capacity * LeNet5Network.InputSize];
            _labels[w] = new int[_workspaces[w].Capacity];
            _distorted[w] = new float[LeNet5Network.InputSize];
            _distortionRandom[w] = new SeededRandom(0);
        }
        Optimizer = options.Optimizer switch
        {
            OptimizerKind.DiagonalLevenbergMarquardt => new DiagonalLevenbergMarquardt(network.ParameterCount, options.Mu, network.AlignedParameter),
            OptimizerKind.SgdMomentum => new SgdMomentum(network.ParameterCount, options.Momentum, network.AlignedParameter),
            _ => new Adam(network.ParameterCount, Adam.DefaultBeta1, Adam.DefaultBeta2, Adam.DefaultEpsilon, network.AlignedParameter),
        };
    }

    /// <summary>The network being trained.</summary>
    public LeNet5Network Network => _network;

    /// <summary>The optimiser and its state.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Raised after each pass (after its evaluation and checkpoint), on the training thread.</summary>
    public event Action<EpochReport>? EpochCompleted;

    /// <summary>Passes finished so far (also after a resume).</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>
    /// Runs the remaining passes. After each pass the network is checked for non-finite weights, evaluated on
    /// <paramref name="test"/> (when given) and, when <paramref name="checkpointPath"/> is given, written there
    /// with the optimiser's state (atomically: a failed or cancelled pass leaves the previous checkpoint).
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or a weight became NaN or infinite; names the epoch and batch.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the network holds the weights of the last finished batch.</exception>
    public IReadOnlyList<EpochReport> Train(ILabeledImages train, ILabeledImages? test = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default, string? checkpointPath = null, int testLimit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
            throw new ArgumentException("The training set is empty.", nameof(train));
        var reports = new List<EpochReport>();
        for (int epoch = CompletedEpochs; epoch < _options.Epochs; epoch++)
        {
            var (loss, seconds) = RunEpoch(train, epoch, progress, cancellationToken);
            double? testError = test is null ? null : Evaluator.Evaluate(_network, test, testLimit).ErrorRate;
            _lastTestError = testError;
            CompletedEpochs = epoch + 1;
            var report = new EpochReport(epoch + 1, loss, testError, seconds, train.Count / seconds, _options.Schedule.RateAt(epoch));
            reports.Add(report);
            if (checkpointPath is not null)
                TrainingCheckpoint.Save(checkpointPath, this);
            EpochCompleted?.Invoke(report);
        }
        return reports;
    }

    // A pass runs once and loops for seconds: compiled fully optimised at once, not first as on-stack-replaced tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal (double Loss, double Seconds) RunEpoch(ILabeledImages train, int epoch, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        // A timestamp, not a Stopwatch: the object would be the pass's one allocation on .NET 8.
        long started = Stopwatch.GetTimestamp();
        if (_order.Length != train.Count)
            _order = new int[train.Count];
        if (_options.Distortion is { Copies: > 0 } paper)
            ChoosePoolPatterns(train.Count, epoch, paper.Copies);
        else
            Shuffle(_order, Restarted(_shuffle, epoch, 1));
        float rate = _options.Schedule.RateAt(epoch);
        if (_options.Distortion is not null)
        {
            for (int w = 0; w < _distortionRandom.Length; w++)
                Restarted(_distortionRandom[w], epoch, 2 + w);
        }

        if (Optimizer is DiagonalLevenbergMarquardt sdlm)
            sdlm.EstimateCurvature(_network, _workspaces[0], train, _order.AsSpan(0, Math.Min(_options.CurvatureSamples, _order.Length)), _inputs[0], _labels[0]);

        double totalLoss = 0;
        var lastReport = TimeSpan.Zero;
        int batches = (_order.Length + _options.BatchSize - 1) / _options.BatchSize;
        Span<float> parameters = _network.Parameters;
        for (int batch = 0; batch < batches; batch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = batch * _options.BatchSize, size = Math.Min(_options.BatchSize, _order.Length - start);
            int workers = Math.Min(_workers.Workers, size);
            _currentTrain = train;
            _currentStart = start;
            _currentSize = size;
            _currentWorkers = workers;
            // One pattern at a time with SDLM (the paper's recipe), the dense layers step in their backward pass.
            _fusedStep = size == 1 && Optimizer is DiagonalLevenbergMarquardt;
            _currentRate = rate;
            _workers.Run(_computeGradients ??= ComputeGradientsOf);

            // Sum the workers' gradients in worker order, then take the mean: same seed and threads, same bits.
            Span<float> gradients = _workspaces[0].ParameterGradients;
            float loss = _losses[0];
            for (int w = 1; w < workers; w++)
            {
                TensorPrimitives.Add(gradients, _workspaces[w].ParameterGradients, gradients);
                loss += _losses[w];
            }
            if (!float.IsFinite(loss))
                throw new TrainingDivergedException(epoch + 1, batch + 1, $"the loss is {loss}");
            if (size > 1)
                TensorPrimitives.Multiply(gradients, 1f / size, gradients);
            if (!_fusedStep)
                Optimizer.Step(parameters, gradients, rate);
            totalLoss += loss;

            if (progress is not null && (Stopwatch.GetElapsedTime(started) - lastReport > s_progressInterval || batch == batches - 1))
            {
                lastReport = Stopwatch.GetElapsedTime(started);
                int seen = start + size;
                progress.Report(new TrainingProgress(epoch + 1, _options.Epochs, batch + 1, batches, seen, _order.Length, seen / lastReport.TotalSeconds,
                    totalLoss / seen, rate, _lastTestError));
            }
        }
        _currentTrain = null;
        // A NaN or an infinity anywhere makes the sum non-finite.
        if (!float.IsFinite(ReductionKernels.Sum(parameters)))
            throw new TrainingDivergedException(epoch + 1, 0, "a weight is not finite");
        return (totalLoss / _order.Length, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    // The batch being computed, read by the workers; set before each round of the worker group.
    private ILabeledImages? _currentTrain;
    private int _currentStart;
    private int _currentSize;
    private int _currentWorkers;
    private float _currentRate;
    private bool _fusedStep;
    private Action<int>? _computeGradients;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeGradientsOf(int worker)
    {
        if (worker >= _currentWorkers)
        {
            _losses[worker] = 0;
            return;
        }
        int from = _currentStart + (worker * _currentSize / _currentWorkers);
        int to = _currentStart + ((worker + 1) * _currentSize / _currentWorkers);
        int count = to - from;
        ReadOnlySpan<int> indices = _order.AsSpan(from, count);
        Span<float> inputs = _inputs[worker].AsSpan(0, count * LeNet5Network.InputSize);
        Span<int> labels = _labels[worker].AsSpan(0, count);
        _currentTrain!.CopyInputs(indices, inputs);
        for (int i = 0; i < count; i++)
            labels[i] = _currentTrain.Label(indices[i]);
        if (_options.Distortion is { } distortion)
        {
            for (int i = 0; i < count; i++)
            {
                var random = _distortionRandom[worker];
                if (distortion.Copies > 0)
                {
                    // Copy c of image k is always the same distortion; copy 0 is the original.
                    int copy = _copies[from + i];
                    if (copy == 0)
                        continue;
                    random.Reset(SeededRandom.SeedFor(_options.Seed, copy, indices[i]));
                }
                Span<float> image = inputs.Slice(i * LeNet5Network.InputSize, LeNet5Network.InputSize);
                Distortion.Apply(image, _distorted[worker], distortion, random);
                _distorted[worker].CopyTo(image);
            }
        }
        _losses[worker] = _fusedStep
            ? _network.ComputeGradientsAndDiagonalStep(_workspaces[worker], inputs, labels[0], ((DiagonalLevenbergMarquardt)Optimizer).Rates, _currentRate)
            : _network.ComputeGradients(_workspaces[worker], inputs, labels);
    }

    internal void RestoreProgress(int completedEpochs) => CompletedEpochs = completedEpochs;

    /// <summary>
    /// Section III-C's protocol: the pool holds (copies + 1)·n patterns, pattern q being copy q / n of image q mod n; round
    /// r = pass / (copies + 1) shuffles it once, and each pass of the round takes its next n patterns, so every pattern is
    /// shown once a round (the paper's 20 passes over 600,000 patterns: "each individual sample only twice").
    /// </summary>
    internal void ChoosePoolPatterns(int images, int epoch, int copies)
    {
        if (_order.Length != images)
            _order = new int[images];
        int round = epoch / (copies + 1), part = epoch % (copies + 1);
        if (_poolRound != round || _pool.Length != images * (copies + 1))
        {
            if (_pool.Length != images * (copies + 1))
                _pool = new int[images * (copies + 1)];
            Shuffle(_pool, Restarted(_shuffle, round, 0));
            _poolRound = round;
        }
        if (_copies.Length != images)
            _copies = new int[images];
        ReadOnlySpan<int> patterns = _pool.AsSpan(part * images, images);
        for (int i = 0; i < images; i++)
        {
            _order[i] = patterns[i] % images;
            _copies[i] = patterns[i] / images;
        }
    }

    /// <summary>The images of the current pass in order, and which copy of each (0 the original): for the tests.</summary>
    internal (int[] Images, int[] Copies) PassPatterns => (_order, _copies);

    /// <summary>
    /// <paramref name="random"/> restarted as <see cref="SeededRandom.ForStream"/>(seed, pass, stream) would make it: the
    /// trainer keeps its generators across passes, so that a pass allocates nothing.
    /// </summary>
    private SeededRandom Restarted(SeededRandom random, int pass, int stream)
    {
        random.Reset(SeededRandom.StreamSeed(_options.Seed, pass, stream));
        return random;
    }

    /// <summary>Fisher-Yates from the identity, so a pass's order depends only on its own generator.</summary>
    private static void Shuffle(int[] order, SeededRandom random)
    {
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        random.Shuffle<int>(order);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _workers.Dispose();
}
