using System.Globalization;
using LeNet5.Network;
using LeNet5.Serialization;

namespace LeNet5.Training;

/// <summary>
/// A training run frozen after a pass: the model's tensors (the layout of <see cref="ModelFile"/>, so a checkpoint is also a
/// model file for every tool that ignores the extra tensors) plus the optimiser's state as
/// <c>optimizer.*</c> tensors and the passes completed in the metadata. Passes draw their shuffles and
/// distortions from generators seeded by (seed, pass), so resuming after pass k with the same options
/// gives the weights an uninterrupted run would have.
/// </summary>
public static class TrainingCheckpoint
{
    private const string Prefix = ModelFile.OptimizerStatePrefix;
    private const string EpochsKey = "completed_epochs";
    private const string OptimizerKey = "optimizer";

    /// <summary>Writes the trainer's network and optimiser state (atomically: temporary file, then rename).</summary>
    public static void Save(string path, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var state = trainer.Optimizer.State.Select(s => new SafeTensor(Prefix + s.Name, [s.Values.Count], s.Values));
        var metadata = new Dictionary<string, string>
        {
            [EpochsKey] = trainer.CompletedEpochs.ToString(CultureInfo.InvariantCulture),
            [OptimizerKey] = trainer.Optimizer.Name,
        };
        ModelFile.Save(trainer.Network, path, state, metadata);
    }

    /// <summary>
    /// Rebuilds a trainer from a checkpoint: the network, the optimiser's state and the passes done. The
    /// options must name the same optimiser the checkpoint was written with.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a checkpoint, or its state does not fit the options.</exception>
    public static Trainer Resume(string path, TrainingOptions options, double mapConstant = LeNet5Network.DefaultMapConstant)
    {
        ArgumentNullException.ThrowIfNull(options);
        var document = SafeTensorsFile.Read(path);
        var network = ModelFile.Load(document, mapConstant, Prefix);
        if (!document.Metadata.TryGetValue(EpochsKey, out string? epochsText)
            || !int.TryParse(epochsText, NumberStyles.None, CultureInfo.InvariantCulture, out int epochs))
        {
            throw new SafeTensorsFormatException(path, null, $"Not a training checkpoint: metadata \"{EpochsKey}\" is missing or not a whole number.");
        }

        var trainer = new Trainer(network, options);
        try
        {
            document.Metadata.TryGetValue(OptimizerKey, out string? optimizer);
            if (optimizer != trainer.Optimizer.Name)
                throw new SafeTensorsFormatException(path, null, $"The checkpoint was written by optimiser \"{optimizer}\"; the options ask for \"{trainer.Optimizer.Name}\".");
            foreach (var (name, values) in trainer.Optimizer.State)
            {
                if (!document.TryGet(Prefix + name, out SafeTensor? tensor))
                    throw new SafeTensorsFormatException(path, Prefix + name, "Missing optimiser state.");
                if (tensor.Data.Length != values.Count)
                    throw new SafeTensorsFormatException(path, Prefix + name, $"Holds {tensor.Data.Length} values; expected {values.Count}.");
                tensor.Data.Span.CopyTo(values);
            }
            if (trainer.Optimizer is DiagonalLevenbergMarquardt sdlm)
                sdlm.RefreshRates();
            trainer.RestoreProgress(epochs);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }
}
