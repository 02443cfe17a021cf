using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LeNet5.Data;
using LeNet5.Kernels;
using LeNet5.Model;

namespace LeNet5.Layers;

/// <summary>
/// A K×K valid convolution (cross-correlation, as PyTorch's Conv2d) through a connection table, followed
/// by an activation: C1 (full, 1→6), C3 (Table I, 6→16; full in Modern), C5 (full, 16→120).
/// Parameters: one K×K kernel per connection, then one bias per output map. C5's output is 1×1, so it is
/// computed as the dense layer it is (its kernels are exactly the rows of a 120×400 matrix).
/// input (B, in, h, w), kernels (connections, K, K), bias (out) -> output (B, out, h−K+1, w−K+1)
/// </summary>
internal sealed class ConvolutionLayer : Layer
{
    private readonly ConnectionTable _table;
    private readonly MapWiring _forward;
    private readonly MapWiring _transposed;
    private readonly int _kernelSize;
    private readonly string _prefix;
    private readonly int[] _connectionGrid;

    public ConvolutionLayer(string name, TensorShape input, int kernelSize, ConnectionTable table, Activation activation)
        : base(name, input, new TensorShape(table.Outputs, input.Height - kernelSize + 1, input.Width - kernelSize + 1), activation)
    {
        if (table.Inputs != input.Channels)
            throw new ArgumentException($"{name}: the table has {table.Inputs} inputs but the input has {input.Channels} maps.");
        _table = table;
        _kernelSize = kernelSize;
        _forward = TableWiring.Forward(table);
        _transposed = TableWiring.Transposed(table);
        _prefix = name.ToLowerInvariant();
        _connectionGrid = UsesMapLanes ? TableWiring.ConnectionGrid(table) : [];
    }

    public ConnectionTable Table => _table;
    public int KernelSize => _kernelSize;
    private int Taps => _kernelSize * _kernelSize;
    private int KernelParameters => _table.Connections * Taps;

    /// <summary>C5: a 1×1 output through a full table, computed as the 120×400 matrix product it is.</summary>
    private bool ComputedAsDense => OutputShape.Plane == 1 && _table.IsFull;

    public override int ParameterCount => KernelParameters + _table.Outputs;

    /// <summary>
    /// Many output maps (C3's 16) are computed with the maps across the vector lanes (<see cref="MapLaneConvolutionKernels"/>);
    /// few (C1's 6) in the input's row stride, where a 28-wide map fills the lanes. (The map-lane kernel gradient takes
    /// kernel rows of at most five taps.)
    /// </summary>
    private bool UsesMapLanes => !ComputedAsDense && _table.Outputs >= 12 && _kernelSize <= 5;

    private int TransposedSize => _table.Inputs * Taps * MapLaneConvolutionKernels.PaddedTargets(_table.Outputs);

    private int InputGradientScratchSize => ConvolutionKernels.InputGradientScratchSize(_table.Outputs, _table.Inputs, InputShape.Height, InputShape.Width, _kernelSize);

    /// <summary>
    /// The input gradient's scratch; for map lanes also the tap-major kernels (or their gradient) and then the larger of
    /// the correlation's scratch (which also holds the output gradient position-major) and the layout moves'.
    /// </summary>
    public override int ScratchSize => ComputedAsDense ? 0
        : InputGradientScratchSize
            + (UsesMapLanes
                ? TransposedSize + Math.Max(MapLaneConvolutionKernels.CorrelateScratchSize(_table.Outputs, OutputShape.Plane), MapLaneConvolutionKernels.TransposeScratchSize(Taps))
                : 0);

    public override IReadOnlyList<ParameterTensor> Tensors =>
    [
        new($"{_prefix}.weight", [_table.Outputs, _table.Inputs, _kernelSize, _kernelSize], 0, KernelParameters, _table),
        new($"{_prefix}.bias", [_table.Outputs], KernelParameters, _table.Outputs),
    ];

    /// <summary>Each output unit has one weight per tap of each connected map, plus a bias, and there is one unit per output position.</summary>
    public override LayerSummary Summary =>
        new(Name, [OutputShape.Channels, OutputShape.Height, OutputShape.Width], ParameterCount, 0, (long)OutputShape.Plane * ParameterCount);

    public override void Initialize(Span<float> parameters, SeededRandom random)
    {
        for (int o = 0; o < _table.Outputs; o++)
        {
            double limit = 2.4 / (_table.FanIn(o) * Taps);
            FillUniform(parameters.Slice(_table.FirstConnection(o) * Taps, _table.FanIn(o) * Taps), limit, random);
            FillUniform(parameters.Slice(KernelParameters + o, 1), limit, random);
        }
    }

    /// <summary>For map lanes: the tap-major kernels, then the copy of the kernels they were transposed from (<see cref="TapMajorKernels"/>).</summary>
    public override int CacheSize => UsesMapLanes ? KernelParameters + TransposedSize : 0;

    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch)
        => Forward(parameters, input, output, batch, scratch, default);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> scratch, Span<float> cache)
    {
        ReadOnlySpan<float> kernels = parameters[..KernelParameters], bias = parameters.Slice(KernelParameters, _table.Outputs);
        int inSize = InputShape.Size, outSize = OutputShape.Size;
        if (ComputedAsDense)
        {
            ActivationDispatch.Dense(input[..(batch * inSize)], kernels, bias, output[..(batch * outSize)], batch, Activation);
        }
        else if (UsesMapLanes)
        {
            ReadOnlySpan<float> transposed = TapMajorKernels(kernels, scratch, cache);
            Span<float> correlationScratch = scratch[TransposedSize..];
            for (int b = 0; b < batch; b++)
            {
                ActivationDispatch.MapLaneCorrelate(input.Slice(b * inSize, inSize), _table.Inputs, InputShape.Height, InputShape.Width, transposed, _kernelSize,
                    bias, output.Slice(b * outSize, outSize), correlationScratch, Activation);
            }
        }
        else
        {
            for (int b = 0; b < batch; b++)
            {
                ActivationDispatch.Correlate(input.Slice(b * inSize, inSize), InputShape.Height, InputShape.Width, kernels, _kernelSize, bias, _forward,
                    output.Slice(b * outSize, outSize), Activation);
            }
        }
    }

    /// <summary>
    /// The kernels in the tap-major layout the map-lane correlation reads. With a <paramref name="cache"/>, they are kept beside
    /// the kernels they were transposed from and transposed again only when those differ, so inference (the same weights on
    /// every call; the transpose is about 5 % of a batch-1 forward) does it once per workspace, and a training step, whose
    /// weights have just changed, pays a compare that fails early and a copy. The compare is of bits: float equality would
    /// take −0 for +0 and never match a NaN. A new cache is zeros: the transpose of zero kernels, so it is never stale.
    /// </summary>
    private ReadOnlySpan<float> TapMajorKernels(ReadOnlySpan<float> kernels, Span<float> scratch, Span<float> cache)
    {
        Span<float> transposeScratch = scratch[TransposedSize..];
        if (cache.IsEmpty)
        {
            MapLaneConvolutionKernels.Transpose(kernels, _connectionGrid, _table.Inputs, Taps, scratch[..TransposedSize], transposeScratch);
            return scratch[..TransposedSize];
        }
        // The transposed kernels first: the cache starts a line (AlignedArray), and so then do their 16-float tap vectors.
        Span<float> transposed = cache[..TransposedSize], source = cache.Slice(TransposedSize, KernelParameters);
        if (!MemoryMarshal.Cast<float, int>(kernels).SequenceEqual(MemoryMarshal.Cast<float, int>(source)))
        {
            kernels.CopyTo(source);
            MapLaneConvolutionKernels.Transpose(source, _connectionGrid, _table.Inputs, Taps, transposed, transposeScratch);
        }
        return transposed;
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
        => Backward(parameters, input, output, outputGradient, inputGradient, parameterGradient, batch, scratch, overwrite: false);

    public override void BackwardInto(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch)
        => Backward(parameters, input, output, outputGradient, inputGradient, parameterGradient, batch, scratch, overwrite: true);

    /// <summary>C5 (computed as a dense layer) fuses its step as <see cref="FullyConnectedLayer"/> does; the maps of C1 and C3 do not.</summary>
    public override bool BackwardAndDiagonalStep(Span<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, ReadOnlySpan<float> rates, float learningRate)
    {
        if (!ComputedAsDense)
            return false;
        int inSize = InputShape.Size, outSize = OutputShape.Size;
        ActivationDispatch.Backward(Activation!.Value, output[..outSize], outputGradient[..outSize]);
        DenseKernels.DiagonalStepWithInputGradient(parameters[..ParameterCount], input[..inSize], outputGradient[..outSize], inputGradient.IsEmpty ? default : inputGradient[..inSize],
            rates[..ParameterCount], learningRate);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, int batch, Span<float> scratch, bool overwrite)
    {
        int inSize = InputShape.Size, outSize = OutputShape.Size;
        ActivationDispatch.Backward(Activation!.Value, output[..(batch * outSize)], outputGradient[..(batch * outSize)]);
        ReadOnlySpan<float> kernels = parameters[..KernelParameters];
        Span<float> kernelGradient = parameterGradient[..KernelParameters], biasGradient = parameterGradient.Slice(KernelParameters, _table.Outputs);
        if (ComputedAsDense)
        {
            // C5: its 120 kernels are the rows of a 120×400 matrix over the 400 S4 outputs.
            ReadOnlySpan<float> gradients = outputGradient[..(batch * outSize)];
            if (overwrite)
                DenseKernels.WriteGradients(input[..(batch * inSize)], gradients, kernelGradient, biasGradient, batch);
            else
                DenseKernels.AccumulateGradients(input[..(batch * inSize)], gradients, kernelGradient, biasGradient, batch);
            if (!inputGradient.IsEmpty)
                DenseKernels.InputGradient(kernels, gradients, inputGradient[..(batch * inSize)], batch, inSize);
            return;
        }
        if (overwrite)
            parameterGradient[..ParameterCount].Clear();
        Span<float> inputScratch = scratch[..InputGradientScratchSize];
        Span<float> transposedGradient = UsesMapLanes ? scratch.Slice(InputGradientScratchSize, TransposedSize) : default;
        Span<float> positionMajor = UsesMapLanes ? scratch[(InputGradientScratchSize + TransposedSize)..] : default;
        transposedGradient.Clear();
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> image = input.Slice(b * inSize, inSize);
            ReadOnlySpan<float> gradient = outputGradient.Slice(b * outSize, outSize);
            if (UsesMapLanes)
            {
                // The kernel gradient summed over the whole batch in the tap-major layout, added back once below.
                MapLaneConvolutionKernels.AccumulateGradients(image, _table.Inputs, InputShape.Height, InputShape.Width, gradient, _table.Outputs, _kernelSize,
                    transposedGradient, positionMajor);
                for (int t = 0; t < _table.Outputs; t++)
                    biasGradient[t] += ReductionKernels.Sum(gradient.Slice(t * OutputShape.Plane, OutputShape.Plane));
            }
            else
            {
                ConvolutionKernels.AccumulateGradients(image, InputShape.Height, InputShape.Width, gradient, _kernelSize, _forward, kernelGradient, biasGradient);
            }

            if (!inputGradient.IsEmpty)
            {
                // dL/dx[s][y+ky][x+kx] += kernel[ky][kx] · dL/da[t][y][x], summed over the output maps t each input s feeds.
                ConvolutionKernels.InputGradient(gradient, InputShape.Height, InputShape.Width, kernels, _kernelSize, _transposed, inputGradient.Slice(b * inSize, inSize),
                    inputScratch);
            }
        }
        if (UsesMapLanes)
            MapLaneConvolutionKernels.AddTransposed(transposedGradient, _connectionGrid, _table.Inputs, Taps, kernelGradient, positionMajor);
    }
}
