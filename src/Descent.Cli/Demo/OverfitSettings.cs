namespace Descent.Cli.Demo;

/// <summary>The knobs of <c>descent demo overfit</c>; the defaults show overfitting and its three cures.</summary>
/// <param name="Seed">Seeds the data, the initial weights, the batch order and dropout.</param>
/// <param name="TrainPoints">Noisy training points: few, so a large network can memorize them.</param>
/// <param name="ValidPoints">Validation points from the same curve: many, so their loss is a good estimate.</param>
/// <param name="Noise">Standard deviation of the noise on y = sin(x).</param>
/// <param name="Hidden">Hidden sizes of the MLP.</param>
/// <param name="Epochs">Epochs of each run (one full batch each).</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="WeightDecay">The weight decay (AdamW) of the weight-decay run.</param>
/// <param name="Dropout">The dropout rate of the dropout run.</param>
/// <param name="Patience">Early stopping's patience, in epochs.</param>
public sealed record OverfitSettings(ulong Seed = 0, int TrainPoints = 20, int ValidPoints = 2000, float Noise = 0.5f,
    int[]? Hidden = null, int Epochs = 400, float LearningRate = 0.02f, float WeightDecay = 2f, float Dropout = 0.2f, int Patience = 50)
{
    /// <summary>The hidden sizes in effect.</summary>
    public IReadOnlyList<int> Layers => Hidden ?? [256, 256];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (TrainPoints < 2) throw new ArgumentOutOfRangeException(nameof(TrainPoints), TrainPoints, "demo overfit: train points must be at least 2");
        if (ValidPoints < 1) throw new ArgumentOutOfRangeException(nameof(ValidPoints), ValidPoints, "demo overfit: validation points must be at least 1");
        if (!(Noise >= 0) || !float.IsFinite(Noise)) throw new ArgumentOutOfRangeException(nameof(Noise), Noise, "demo overfit: noise must be finite and >= 0");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "demo overfit: epochs must be at least 1");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "demo overfit: lr must be finite and > 0");
        if (!(WeightDecay > 0) || !float.IsFinite(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "demo overfit: weight decay must be finite and > 0");
        if (!(Dropout > 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "demo overfit: dropout must be in (0, 1)");
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "demo overfit: patience must be at least 1");
        if (Layers.Count == 0 || Layers.Any(h => h < 1)) throw new ArgumentOutOfRangeException(nameof(Hidden), "demo overfit: hidden sizes must be positive");
    }
}
