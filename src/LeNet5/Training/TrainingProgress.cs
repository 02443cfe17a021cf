namespace LeNet5.Training;

/// <summary>Where a training run is, reported through <see cref="IProgress{T}"/> a few times a second and at the end of each pass.</summary>
/// <param name="Epoch">The pass, from 1.</param>
/// <param name="Epochs">Passes in the run.</param>
/// <param name="Batch">Minibatches finished so far in this pass, from 1.</param>
/// <param name="Batches">Minibatches in a pass.</param>
/// <param name="Images">Images seen so far in this pass.</param>
/// <param name="ImagesPerEpoch">Images in a pass.</param>
/// <param name="ImagesPerSecond">Training speed in this pass so far.</param>
/// <param name="RunningLoss">Mean loss per image in this pass so far.</param>
/// <param name="LearningRate">The global learning rate of this pass.</param>
/// <param name="TestErrorRate">The test error after the previous pass, as a fraction; null before the first evaluation of this run.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, int Images, int ImagesPerEpoch, double ImagesPerSecond, double RunningLoss,
    float LearningRate, double? TestErrorRate);
