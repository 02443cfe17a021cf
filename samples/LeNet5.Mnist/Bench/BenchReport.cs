using System.Globalization;
using System.Text;
using System.Text.Json;
using LeNet5.Model;

namespace LeNet5.Mnist.Bench;

/// <summary>One measured figure: the median of its rounds and its share of the machine's multiply-add peak.</summary>
internal sealed record BenchFigure(BenchWorkload Workload, double ImagesPerSecond, double ShareOfPeak, IReadOnlyList<double> Rounds);

/// <summary>
/// Everything <c>lenet5 bench</c> measured, as a plain-text table or as one JSON object.
/// </summary>
/// <remarks>
/// Multiply-adds per image come from the network's definition (<see cref="ModelSummary"/>): a forward pass is
/// the sum of every layer's connections (the paper's count, biases included); a training step is three forward
/// passes (forward, input gradients, weight gradients) less C1's input gradients, which no one needs:
/// 3 × forward − connections(C1). The share of peak is images/s × multiply-adds per image over the measured
/// one-core peak times the threads used (at most the logical processors).
/// </remarks>
internal sealed class BenchReport
{
    public required Architecture Architecture { get; init; }
    public required string Optimizer { get; init; }
    public required string Cpu { get; init; }
    public required int ProcessorCount { get; init; }
    public required string Simd { get; init; }
    public required int SimdBits { get; init; }
    public required int PeakBits { get; init; }
    public required bool PeakFused { get; init; }
    public required double PeakFmaPerSecondPerCore { get; init; }
    public required string Data { get; init; }
    public required bool Mnist { get; init; }
    public required long ForwardMultiplyAdds { get; init; }
    public required long TrainingMultiplyAdds { get; init; }
    public required int Repeats { get; init; }
    public required double SecondsPerRepeat { get; init; }
    public required double TotalSeconds { get; init; }
    public required IReadOnlyList<BenchFigure> Figures { get; init; }

    /// <summary>Forward and training multiply-adds per image for a network.</summary>
    public static (long Forward, long Training) MultiplyAdds(ModelSummary summary)
    {
        long forward = summary.Connections;
        return (forward, (3 * forward) - summary.Layers[0].Connections);
    }

    /// <summary>The fraction of the peak that <paramref name="imagesPerSecond"/> of <paramref name="workload"/> is.</summary>
    public static double Share(BenchWorkload workload, double imagesPerSecond, long forward, long training, double peakPerCore, int processorCount)
        => imagesPerSecond * (workload.Training ? training : forward) / (peakPerCore * Math.Min(workload.Threads, processorCount));

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"lenet5 bench: LeNet-5 {Architecture}, {ForwardMultiplyAdds:N0} multiply-adds per image forward, {TrainingMultiplyAdds:N0} per training step");
        text.AppendLine(c, $"cpu        {Cpu}, {ProcessorCount} logical processor(s)");
        text.AppendLine(c, $"simd       the library uses {Simd}");
        text.AppendLine(c, $"peak       {PeakFmaPerSecondPerCore / 1e9:F1} G fp32 multiply-adds/s per core ({2 * PeakFmaPerSecondPerCore / 1e9:F1} GFLOP/s), measured with 12 {PeakBits}-bit {(PeakFused ? "FMA" : "multiply+add")} chains");
        text.AppendLine(c, $"data       {Data}");
        text.AppendLine(c, $"optimizer  {Optimizer} for training (the trainer's default for {Architecture.ToString().ToLowerInvariant()})");
        text.AppendLine();
        text.AppendLine(c, $"{"workload",-10}{"batch",6}{"threads",8}{"images/s",12}{"ms/batch",10}{"share of peak",15}");
        foreach (var figure in Figures)
        {
            var w = figure.Workload;
            text.AppendLine(c, $"{w.Kind,-10}{w.Batch,6}{w.Threads,8}{figure.ImagesPerSecond,12:N0}{1e3 * w.Batch / figure.ImagesPerSecond,10:F3}{figure.ShareOfPeak * 100,13:F1} %");
        }
        text.AppendLine();
        text.AppendLine(c, $"Medians of {Repeats} rounds of about {SecondsPerRepeat:0.###} s after a warm-up; {TotalSeconds:F0} s in all.");
        text.AppendLine("Share of peak = images/s × multiply-adds per image / (one-core peak × threads). Timings vary with load: run on a quiet machine.");
        return text.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("tool", "lenet5 bench");
            json.WriteString("arch", Architecture.ToString().ToLowerInvariant());
            json.WriteString("optimizer", Optimizer);
            json.WriteString("cpu", Cpu);
            json.WriteNumber("processor_count", ProcessorCount);
            json.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
            json.WriteString("simd", Simd);
            json.WriteNumber("simd_bits", SimdBits);
            json.WriteNumber("peak_gflops", 2 * PeakFmaPerSecondPerCore / 1e9);
            json.WriteNumber("peak_gfma_per_core", PeakFmaPerSecondPerCore / 1e9);
            json.WriteNumber("peak_bits", PeakBits);
            json.WriteString("data", Mnist ? "mnist" : "generated");
            json.WriteString("data_source", Data);
            json.WriteNumber("multiply_adds_forward", ForwardMultiplyAdds);
            json.WriteNumber("multiply_adds_training", TrainingMultiplyAdds);
            json.WriteNumber("repeats", Repeats);
            json.WriteNumber("seconds_per_repeat", SecondsPerRepeat);
            foreach (var figure in Figures)
            {
                json.WriteNumber(figure.Workload.Key, figure.ImagesPerSecond);
                json.WriteNumber(figure.Workload.Key + "_share", figure.ShareOfPeak);
            }
            json.WriteStartArray("figures");
            foreach (var figure in Figures)
            {
                json.WriteStartObject();
                json.WriteString("key", figure.Workload.Key);
                json.WriteString("kind", figure.Workload.Kind);
                json.WriteNumber("batch", figure.Workload.Batch);
                json.WriteNumber("threads", figure.Workload.Threads);
                json.WriteNumber("images_per_second", figure.ImagesPerSecond);
                json.WriteNumber("share_of_peak", figure.ShareOfPeak);
                json.WriteStartArray("rounds");
                foreach (double round in figure.Rounds)
                    json.WriteNumberValue(round);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
