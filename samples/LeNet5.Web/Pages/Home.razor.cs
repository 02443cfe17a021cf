using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using LeNet5.Data;
using LeNet5.Model;
using LeNet5.Network;
using LeNet5.Serialization;
using LeNet5.Training;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;

namespace LeNet5.Web.Pages;

/// <summary>
/// The page: draw a digit and see it recognised, every layer's maps, load a model, train one. All of the network's
/// work runs here, on the browser's one thread, through the library's public API.
/// </summary>
public sealed partial class Home
{
    internal const string BundledName = "bundled Classic (paper's recipe)";
    private const string BundledPath = "models/lenet5-classic.safetensors";
    private const int Side = 280;
    private const int CurveWidth = 560;
    private const int CurveHeight = 180;
    private const int TestImages = 500;
    private const int CurvatureSamples = 100;
    private const double SliceMilliseconds = 40;
    private const int SliceBatch = 4;

    /// <summary>
    /// SDLM's global rate here: 0.00007, a seventh of the paper's first rate (0.0005). The CLI's full-MNIST schedule (a
    /// tenth, and its first pass at 3 % of it) takes 60,000 steps a pass; on 500 images it was still at 70 % test error
    /// after two passes. Measured on the desktop with this page's loop (500 images, two passes, network seeds 1–4, with
    /// FMA and without it, as WebAssembly computes): 0.00007 gave 31–36 % test error, the same with and without FMA;
    /// 0.0001 gave 34–67 %, a different result for every rounding of the float sums (the first pass saturates the
    /// network or not).
    /// </summary>
    private const float SmallSetRate = 7e-5f;

    [Inject] private HttpClient Http { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    private ElementReference _canvas;
    private DotNetObjectReference<Home>? _self;
    private LeNet5Network? _network;
    private LeNet5Network? _bundled;
    private string _modelName = "loading…";
    private string _modelDetail = "";
    private string? _modelError;
    private string _status = "starting .NET…";
    private bool _isClassic = true;

    private Prediction? _prediction;
    private byte[]? _lastPixels;
    private int _strokes;
    private string _scoresText = "";
    private string _inputText = "";
    private double _predictMs;
    private double _strokeMs;

    private MnistDataset? _trainSet;
    private MnistDataset? _testSet;
    private int _trainImages = 1000;
    private int _trainPasses = 3;
    private bool _training;
    private CancellationTokenSource? _trainCancel;
    private string _trainState = "idle";
    private string _trainText = "Not trained yet.";
    private double _trainRate;
    private double _frameGap;
    private double _warmUpMs;
    private readonly List<(int Images, double Loss)> _curve = [];
    private readonly List<double> _testErrors = [];
    private readonly List<int> _testErrorImages = [];
    private int _curveImages;
    private int _curveTotal = 1;

    private static string VectorText => LeNet5Network.VectorBits switch
    {
        32 => "scalar (no SIMD)",
        int bits => $"{bits}-bit SIMD",
    };

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
            return;
        _self = DotNetObjectReference.Create(this);
        await JS.InvokeVoidAsync("lenet5.init", _canvas, _self);
        _status = "loading the model…";
        StateHasChanged();
        var clock = Stopwatch.StartNew();
        byte[] bytes = await Http.GetByteArrayAsync(BundledPath);
        _bundled = LoadModel(bytes);
        double pageMs = await JS.InvokeAsync<double>("lenet5.pageMilliseconds");
        await UseAsync(_bundled, BundledName, $"{bytes.Length:N0} bytes, loaded in {clock.Elapsed.TotalMilliseconds:F0} ms");
        _status = string.Create(CultureInfo.InvariantCulture, $"ready {pageMs / 1000:F1} s after the page opened");
        await PaintKernelsAsync();
        StateHasChanged();
    }

    /// <summary>Called by the page's script when a stroke ends: the canvas's 280×280 grey levels, white ink on black.</summary>
    [JSInvokable]
    public async Task Recognise(byte[] pixels, int strokes, double sinceStrokeEnd)
    {
        _lastPixels = pixels;
        if (_network is null)
            return;
        var clock = Stopwatch.StartNew();
        byte[] digit;
        try
        {
            digit = MnistPreprocessing.Prepare(pixels, Side, Side, InkPolarity.LightOnDark);
        }
        catch (ArgumentException)
        {
            return; // too faint to hold a digit
        }
        var input = new float[LeNet5Network.InputSize];
        Preprocessing.Normalize28x28(digit, input);
        var prediction = _network.Predict(input);
        var layers = _network.Activations(input);
        _predictMs = clock.Elapsed.TotalMilliseconds;
        await PaintMapsAsync(input, layers, prediction.Digit);

        _prediction = prediction;
        _strokes = strokes;
        _strokeMs = sinceStrokeEnd + clock.Elapsed.TotalMilliseconds;
        _scoresText = string.Join(',', prediction.Scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
        _inputText = Convert.ToBase64String(digit);
        StateHasChanged();
    }

    /// <summary>The network input and every layer's maps; the Classic output's nearest prototype is the predicted digit's.</summary>
    private async Task PaintMapsAsync(float[] input, IReadOnlyList<LayerActivation> layers, int? digit)
    {
        await PaintAsync("input32", 32, 32, 1, 1, ToGray(input), 4, gray: true);
        foreach (var layer in layers)
        {
            var shape = layer.Shape;
            switch (layer.Name)
            {
                case "C1" or "S2" or "C3" or "S4":
                    int cols = shape.Channels <= 6 ? 3 : 4;
                    int scale = shape.Height switch { 28 => 2, 14 => 4, 10 => 4, _ => 7 };
                    await PaintAsync($"map-{layer.Name}", shape.Width, shape.Height, shape.Channels, cols, ToBytes(layer.Values), scale);
                    break;
                case "C5":
                    await PaintAsync("map-C5", 12, 10, 1, 1, ToBytes(layer.Values), 6);
                    break;
                case "F6":
                    await PaintAsync("map-F6", RbfPrototypes.Width, RbfPrototypes.Height, 1, 1, ToBytes(layer.Values), 8);
                    break;
            }
        }
        if (_isClassic && _network is not null)
        {
            float[] prototype = digit is int d
                ? _network.Prototypes.Slice(d * RbfPrototypes.Length, RbfPrototypes.Length).ToArray()
                : new float[RbfPrototypes.Length];
            await PaintAsync("map-prototype", RbfPrototypes.Width, RbfPrototypes.Height, 1, 1, ToBytes(prototype), 8);
        }
    }

    /// <summary>The maps of an empty field (all background), shown before anything is drawn.</summary>
    private async Task PaintBlankAsync()
    {
        if (_network is null)
            return;
        var input = new float[LeNet5Network.InputSize];
        Array.Fill(input, Preprocessing.Background);
        await PaintMapsAsync(input, _network.Activations(input), null);
    }

    private async Task ClearAsync()
    {
        await JS.InvokeVoidAsync("lenet5.clear");
        _prediction = null;
        _lastPixels = null;
        _strokes = 0;
        _scoresText = "";
        _inputText = "";
        await PaintBlankAsync();
    }

    private async Task LoadModelFileAsync(InputFileChangeEventArgs e)
    {
        _modelError = null;
        try
        {
            using var memory = new MemoryStream();
            await using (var stream = e.File.OpenReadStream(maxAllowedSize: 16 << 20))
                await stream.CopyToAsync(memory);
            var network = LoadModel(memory.ToArray());
            await UseAsync(network, e.File.Name, $"{memory.Length:N0} bytes, from your disk");
        }
        catch (Exception ex) when (ex is SafeTensorsFormatException or IOException or ArgumentException)
        {
            _modelError = $"Could not load {e.File.Name}: {ex.Message}";
        }
    }

    private async Task UseBundledAsync()
    {
        if (_bundled is not null)
            await UseAsync(_bundled, BundledName, "the model shipped with the page");
    }

    private async Task DownloadAsync()
    {
        if (_network is null)
            return;
        string path = Path.Combine(Path.GetTempPath(), "lenet5-download.safetensors");
        ModelFile.Save(_network, path);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        string name = _network.Definition.Architecture == Architecture.Classic ? "lenet5-classic.safetensors" : "lenet5-modern.safetensors";
        await JS.InvokeVoidAsync("lenet5.download", name, bytes);
    }

    /// <summary>
    /// A network from a .safetensors file's bytes. ModelFile.Load reads a path; the browser's runtime has an
    /// in-memory file system, so the bytes are written there first.
    /// </summary>
    private static LeNet5Network LoadModel(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), "lenet5-" + Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, bytes);
        try
        {
            return ModelFile.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task UseAsync(LeNet5Network network, string name, string detail)
    {
        _network = network;
        _isClassic = network.Definition.Architecture == Architecture.Classic;
        _modelName = name;
        _modelDetail = $"{network.Definition.Architecture}, {network.ParameterCount:N0} parameters; {detail}";
        StateHasChanged();
        await Task.Yield();
        await PaintKernelsAsync();
        if (_lastPixels is not null)
            await JS.InvokeVoidAsync("lenet5.recognise");
        else
            await PaintBlankAsync();
    }

    private async Task PaintKernelsAsync()
    {
        if (_network is null)
            return;
        // C1's weights are the first 6×1×5×5 parameters (its tensor c1.weight comes first in the parameter vector).
        await PaintAsync("map-kernels", 5, 5, 6, 3, ToBytes(_network.Parameters[..150].ToArray()), 8);
    }

    private ValueTask PaintAsync(string id, int width, int height, int count, int cols, byte[] bytes, int scale, bool gray = false)
        => JS.InvokeVoidAsync("lenet5.paint", id, width, height, count, cols, bytes, scale, gray);

    /// <summary>Values as 0–255 on a scale symmetric about zero (0 is mid-grey), so the sign shows.</summary>
    private static byte[] ToBytes(ReadOnlySpan<float> values)
    {
        float max = MathF.Max(TensorPrimitives.MaxMagnitude(values) is var m && m > 0 ? MathF.Abs(m) : 1f, 1e-6f);
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(127.5f + (127.5f * values[i] / max)), 0, 255);
        return bytes;
    }

    /// <summary>The normalised network input (background −0.1, full ink 1.175) as grey levels, ink white.</summary>
    private static byte[] ToGray(ReadOnlySpan<float> input)
    {
        var bytes = new byte[input.Length];
        for (int i = 0; i < input.Length; i++)
            bytes[i] = (byte)Math.Clamp((int)MathF.Round((input[i] - Preprocessing.Background) / (1.175f - Preprocessing.Background) * 255f), 0, 255);
        return bytes;
    }

    private void StopTraining() => _trainCancel?.Cancel();

    /// <summary>
    /// Trains a fresh Classic network as the paper does (SDLM, one image per step, a fresh estimate of the Hessian's
    /// diagonal before each pass), at a constant rate fit for a few hundred images (<see cref="SmallSetRate"/>). In
    /// slices of about 40 ms, yielding to the browser after each.
    /// </summary>
    private async Task TrainAsync()
    {
        if (_training)
            return;
        _training = true;
        _trainCancel = new CancellationTokenSource();
        var token = _trainCancel.Token;
        _trainState = "running";
        _curve.Clear();
        _testErrors.Clear();
        _testErrorImages.Clear();
        _curveImages = 0;
        _trainRate = 0;
        _trainText = "loading the MNIST subset…";
        StateHasChanged();
        try
        {
            _trainSet ??= await LoadSubsetAsync("data/train-images-idx3-ubyte.gzip", "data/train-labels-idx1-ubyte.gzip");
            _testSet ??= await LoadSubsetAsync("data/t10k-images-idx3-ubyte.gzip", "data/t10k-labels-idx1-ubyte.gzip");
            int images = Math.Min(_trainImages, _trainSet.Count), passes = _trainPasses;
            var train = _trainSet.Take(images);
            var test = _testSet.Take(Math.Min(TestImages, _testSet.Count));
            _curveTotal = images * passes;

            var network = LeNet5Network.Create(NetworkDefinition.Classic, seed: 1);
            var sdlm = new DiagonalLevenbergMarquardt(network.ParameterCount, TrainingOptions.PaperClassic.Mu);
            var schedule = LearningRateSchedule.Constant(SmallSetRate);
            var workspace = network.CreateWorkspace(SliceBatch);
            var inputs = new float[SliceBatch * LeNet5Network.InputSize];
            var labels = new int[SliceBatch];
            var predictions = new int[SliceBatch];

            // The first training step of a page is slow: the interpreter prepares the training code (backward and
            // curvature kernels) on first call. Taken here on a throwaway network, timed and reported apart.
            var warmClock = Stopwatch.StartNew();
            var warm = LeNet5Network.Create(NetworkDefinition.Classic, seed: 2);
            var warmSpace = warm.CreateWorkspace(1);
            train.CopyInput(0, inputs.AsSpan(0, LeNet5Network.InputSize));
            labels[0] = train.Label(0);
            warm.AccumulateCurvature(warmSpace, inputs.AsSpan(0, LeNet5Network.InputSize), labels.AsSpan(0, 1));
            warm.ComputeGradients(warmSpace, inputs.AsSpan(0, LeNet5Network.InputSize), labels.AsSpan(0, 1));
            _warmUpMs = warmClock.Elapsed.TotalMilliseconds;
            StateHasChanged();
            await Task.Delay(1, token);

            // From here on the page should never stop drawing frames for long: the monitor measures the longest pause.
            await JS.InvokeVoidAsync("lenet5.startFrameMonitor");
            var compute = new Stopwatch();
            var wall = Stopwatch.StartNew();
            int seen = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                int[] order = train.ShuffledIndices(1000 + pass);
                float rate = schedule.RateAt(pass);

                await EstimateCurvatureAsync(network, workspace, train, order, sdlm, inputs, labels, compute, token);

                double sliceLoss = 0;
                int sliceImages = 0;
                for (int i = 0; i < order.Length;)
                {
                    token.ThrowIfCancellationRequested();
                    var slice = Stopwatch.StartNew();
                    compute.Start();
                    while (i < order.Length && slice.Elapsed.TotalMilliseconds < SliceMilliseconds)
                    {
                        train.CopyInput(order[i], inputs.AsSpan(0, LeNet5Network.InputSize));
                        labels[0] = train.Label(order[i]);
                        sliceLoss += network.ComputeGradients(workspace, inputs.AsSpan(0, LeNet5Network.InputSize), labels.AsSpan(0, 1));
                        sdlm.Step(network.Parameters, workspace.ParameterGradients, rate);
                        sliceImages++;
                        seen++;
                        i++;
                    }
                    compute.Stop();
                    if (sliceImages >= 25 || i == order.Length)
                    {
                        _curve.Add((seen, sliceLoss / sliceImages));
                        sliceLoss = 0;
                        sliceImages = 0;
                    }
                    _curveImages = seen;
                    _trainRate = seen / compute.Elapsed.TotalSeconds;
                    _trainText = string.Create(CultureInfo.InvariantCulture,
                        $"pass {pass + 1}/{passes}: {seen:N0} of {_curveTotal:N0} images · {_trainRate:N0} images/s computing ({seen / wall.Elapsed.TotalSeconds:N0}/s with the page's renders) · rate {rate:G2}");
                    StateHasChanged();
                    await Task.Delay(1, token);
                }

                // Test error after the pass, also in slices.
                int wrong = 0;
                for (int start = 0; start < test.Count;)
                {
                    token.ThrowIfCancellationRequested();
                    compute.Start();
                    var slice = Stopwatch.StartNew();
                    while (start < test.Count && slice.Elapsed.TotalMilliseconds < SliceMilliseconds)
                    {
                        int count = Math.Min(SliceBatch, test.Count - start);
                        for (int k = 0; k < count; k++)
                            test.CopyInput(start + k, inputs.AsSpan(k * LeNet5Network.InputSize, LeNet5Network.InputSize));
                        network.Predict(workspace, inputs.AsSpan(0, count * LeNet5Network.InputSize), predictions.AsSpan(0, count));
                        for (int k = 0; k < count; k++)
                            wrong += predictions[k] != test.Label(start + k) ? 1 : 0;
                        start += count;
                    }
                    compute.Stop();
                    await Task.Delay(1, token);
                }
                _testErrors.Add((double)wrong / test.Count);
                _testErrorImages.Add(seen);
                StateHasChanged();
            }

            double gap = _frameGap = await JS.InvokeAsync<double>("lenet5.stopFrameMonitor");
            _trainRate = seen / compute.Elapsed.TotalSeconds;
            _trainText = string.Create(CultureInfo.InvariantCulture,
                $"done: {passes} pass(es) over {images:N0} images in {wall.Elapsed.TotalSeconds:F1} s · {_trainRate:N0} images/s computing · test error {_testErrors[^1] * 100:F1} % on {test.Count:N0} test images · longest pause between frames {gap:F0} ms (before training, {_warmUpMs:F0} ms preparing the training code). Now recognising with it.");
            _trainState = "done";
            await UseAsync(network, "trained here", $"{passes} pass(es) over {images:N0} MNIST images in this browser");
        }
        catch (OperationCanceledException)
        {
            await JS.InvokeVoidAsync("lenet5.stopFrameMonitor");
            _trainState = "stopped";
            _trainText = "Stopped; still recognising with the previous model.";
        }
        finally
        {
            _training = false;
            _trainCancel.Dispose();
            _trainCancel = null;
            StateHasChanged();
        }
    }

    /// <summary>
    /// h_kk, the Gauss-Newton second derivatives averaged over the pass's first images (the paper's Appendix C), a
    /// few images at a time, yielding to the browser after each slice.
    /// </summary>
    private async Task EstimateCurvatureAsync(LeNet5Network network, NetworkWorkspace workspace, MnistDataset train, int[] order,
        DiagonalLevenbergMarquardt sdlm, float[] inputs, int[] labels, Stopwatch compute, CancellationToken token)
    {
        int samples = Math.Min(CurvatureSamples, order.Length);
        workspace.ParameterCurvature.Clear();
        for (int start = 0; start < samples;)
        {
            token.ThrowIfCancellationRequested();
            var slice = Stopwatch.StartNew();
            compute.Start();
            while (start < samples && slice.Elapsed.TotalMilliseconds < SliceMilliseconds)
            {
                int count = Math.Min(SliceBatch, samples - start);
                ReadOnlySpan<int> indices = order.AsSpan(start, count);
                train.CopyInputs(indices, inputs.AsSpan(0, count * LeNet5Network.InputSize));
                for (int k = 0; k < count; k++)
                    labels[k] = train.Label(indices[k]);
                network.AccumulateCurvature(workspace, inputs.AsSpan(0, count * LeNet5Network.InputSize), labels.AsSpan(0, count));
                start += count;
            }
            compute.Stop();
            _trainText = $"estimating the Hessian's diagonal on {samples} images…";
            StateHasChanged();
            await Task.Delay(1, token);
        }
        Span<float> curvature = workspace.ParameterCurvature;
        TensorPrimitives.Multiply(curvature, 1f / samples, curvature);
        sdlm.SetCurvature(curvature);
    }

    /// <summary>A gzipped IDX pair fetched from the page's own files (the MNIST subset), read by the library.</summary>
    private async Task<MnistDataset> LoadSubsetAsync(string imagesUrl, string labelsUrl)
    {
        string folder = Path.Combine(Path.GetTempPath(), "mnist");
        Directory.CreateDirectory(folder);
        string images = Path.Combine(folder, Path.GetFileName(imagesUrl)), labels = Path.Combine(folder, Path.GetFileName(labelsUrl));
        await File.WriteAllBytesAsync(images, await Http.GetByteArrayAsync(imagesUrl));
        await File.WriteAllBytesAsync(labels, await Http.GetByteArrayAsync(labelsUrl));
        return MnistDataset.Load(images, labels);
    }

    private string CurvePoints()
    {
        double maxLoss = _curve.Max(p => p.Loss);
        return string.Join(' ', _curve.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{10 + ((CurveWidth - 20) * (double)p.Images / _curveTotal):F1},{24 + ((CurveHeight - 44) * (1 - (p.Loss / maxLoss))):F1}")));
    }

    /// <summary>A test error's dot: x by images seen, y on a 0–100 % scale (100 % at the top of the plot area).</summary>
    private (double X, double Y) ErrorPoint(int i)
    {
        double x = 10 + ((CurveWidth - 20) * (double)_testErrorImages[i] / _curveTotal);
        double y = 24 + ((CurveHeight - 44) * (1 - _testErrors[i]));
        return (Math.Round(x, 1), Math.Round(y, 1));
    }

    /// <summary>The plot's text (Razor reserves the element name "text"): the axis notes and each test error's value.</summary>
    private string CurveLabels()
    {
        var svg = new System.Text.StringBuilder();
        svg.Append("<text class=\"axis\" x=\"6\" y=\"14\">training loss (line) · test error after each pass (dots, 0–100 % bottom to top)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"6\" y=\"{CurveHeight - 6}\">images seen: {_curveImages:N0}</text>");
        for (int i = 0; i < _testErrors.Count; i++)
        {
            var (x, y) = ErrorPoint(i);
            string anchor = x > CurveWidth - 40 ? "end" : "middle";
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"errlabel\" text-anchor=\"{anchor}\" x=\"{x}\" y=\"{Math.Max(y - 8, 26)}\">{_testErrors[i] * 100:F1} %</text>");
        }
        return svg.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _trainCancel?.Cancel();
        _self?.Dispose();
        await Task.CompletedTask;
    }
}
