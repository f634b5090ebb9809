using Descent.Training;
using Descent.Nn;

namespace Descent.Cli.Train;

/// <summary>The flags of <c>descent train</c> (and the data and model flags <c>descent lr-find</c> shares).</summary>
/// <param name="Data">The data set.</param>
/// <param name="Model">The architecture.</param>
/// <param name="Epochs">Epochs to train up to (a resumed run continues to this total).</param>
/// <param name="BatchSize">Examples per training batch.</param>
/// <param name="Optimizer">An <see cref="OptimizerChoice"/> name.</param>
/// <param name="Lr">The learning rate (the peak for one-cycle and cyclic), or null for the optimizer's default.</param>
/// <param name="Schedule">A <see cref="ScheduleChoice"/> name.</param>
/// <param name="WeightDecay">L2 penalty (decoupled for AdamW).</param>
/// <param name="Dropout">Dropout rate after each hidden layer (0 for none).</param>
/// <param name="ValSplit">The fraction held out for validation.</param>
/// <param name="EarlyStop">Patience in epochs of early stopping on the validation loss, or null for none.</param>
/// <param name="Save">Where the trained model goes, or null.</param>
/// <param name="Checkpoint">Where a full checkpoint goes after each epoch, or null.</param>
/// <param name="Resume">A checkpoint to continue from, or null.</param>
/// <param name="Seed">Seeds the split, the initial weights, the shuffling and dropout.</param>
/// <param name="DataDir">Where the data tarballs are, or null to search the usual places.</param>
/// <param name="Plots">A folder for the training figures, or null.</param>
/// <param name="Augment">Random shifts of the training images by up to this many pixels (0 for none; images only).</param>
/// <param name="LabelSmoothing">Cross-entropy's label smoothing (classification only).</param>
/// <param name="Recipe">The recipe these settings start from (<see cref="Recipes.For"/>), or null where the data and model have none.</param>
public sealed record TrainSettings(DataSpec Data, ModelSpec Model, int Epochs = 10, int BatchSize = 64, string Optimizer = OptimizerChoice.Default,
    float? Lr = null, string Schedule = ScheduleChoice.Default, float WeightDecay = 0, float Dropout = 0, double ValSplit = 0.2,
    int? EarlyStop = null, string? Save = null, string? Checkpoint = null, string? Resume = null, ulong Seed = 0,
    string? DataDir = null, string? Plots = null, int Augment = 0, float LabelSmoothing = 0, Recipe? Recipe = null)
{
    /// <summary>The learning rate in effect.</summary>
    public float LearningRate => Lr ?? OptimizerChoice.DefaultLr(Optimizer);

    /// <summary>Throws <see cref="Commands.CliUsageException"/> when the flags do not fit together.</summary>
    public void CheckCombination()
    {
        if (Model.IsConvolutional && !Data.IsImages)
            throw new Commands.CliUsageException($"--model {Model} needs image data ({string.Join(", ", DataSpec.Images)}); {Data} is tabular: use mlp or linear");
        if (Augment > 0 && !Data.IsImages)
            throw new Commands.CliUsageException($"--augment shifts images; {Data} is tabular");
    }

    /// <summary>Throws <see cref="Commands.CliUsageException"/> when a flag does not fit the loaded <paramref name="data"/>.</summary>
    public void CheckAgainst(TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        // A shift as wide as the image moves every pixel out of the frame (and a huge one would overflow the draw).
        if (Augment > 0 && data.InputShape.Length >= 2 && Math.Min(data.InputShape[^2], data.InputShape[^1]) is int side && Augment >= side)
            throw new Commands.CliUsageException($"--augment {Augment} shifts the {data.InputShape[^2]}x{data.InputShape[^1]} images out of the frame; at most {side - 1}");
    }
}
