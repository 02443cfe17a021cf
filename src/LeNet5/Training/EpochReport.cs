namespace LeNet5.Training;

/// <summary>The result of one pass.</summary>
/// <param name="Epoch">The pass, from 1.</param>
/// <param name="TrainLoss">Mean loss per training image over the pass.</param>
/// <param name="TestErrorRate">Test error as a fraction, or null without a test set.</param>
/// <param name="Seconds">Wall time of the pass's training (curvature estimate included, evaluation not).</param>
/// <param name="ImagesPerSecond">Training images per second.</param>
/// <param name="LearningRate">The global learning rate used.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, double? TestErrorRate, double Seconds, double ImagesPerSecond, float LearningRate);
