using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Training;

namespace Descent.Tutorial;

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
public sealed record OverfitSettings(ulong Seed = 0, int TrainPoints = 20, int ValidPoints = 500, float Noise = 0.5f,
    int[]? Hidden = null, int Epochs = 400, float LearningRate = 0.02f, float WeightDecay = 2f, float Dropout = 0.2f, int Patience = 50)
{
    /// <summary>
    /// The hidden sizes in effect: two layers of 128 by default, nearly 17,000 weights for 20 points, which learn
    /// them by heart as surely as two of 256 do in a fraction of the time (the lesson runs in seconds).
    /// </summary>
    public IReadOnlyList<int> Layers => Hidden ?? [128, 128];

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

/// <summary>One regularization run of the overfitting story.</summary>
/// <param name="Name">"none", "weight decay", "dropout" or "early stopping".</param>
/// <param name="TrainLoss">Training loss per epoch (dropout off: measured on the training points in evaluation mode).</param>
/// <param name="ValidLoss">Validation loss per epoch.</param>
/// <param name="FinalTrainLoss">The final model's training loss (evaluation mode).</param>
/// <param name="FinalValidLoss">The final model's validation loss.</param>
/// <param name="BestEpoch">The epoch with the lowest validation loss.</param>
/// <param name="StoppedEpoch">The epoch early stopping ended the run, or 0.</param>
public sealed record OverfitRun(string Name, double[] TrainLoss, double[] ValidLoss, double FinalTrainLoss, double FinalValidLoss, int BestEpoch, int StoppedEpoch)
{
    /// <summary>Validation minus training loss of the final model: how much it memorized.</summary>
    public double Gap => FinalValidLoss - FinalTrainLoss;
}

/// <summary>What <c>descent demo overfit</c> shows: an unregularized run and three cures.</summary>
/// <param name="Settings">The settings.</param>
/// <param name="NoiseFloor">The validation loss of the true curve sin(x) itself: no model can do better on average.</param>
/// <param name="Runs">The runs: none, weight decay, dropout, early stopping.</param>
public sealed record OverfitResult(OverfitSettings Settings, double NoiseFloor, IReadOnlyList<OverfitRun> Runs)
{
    /// <summary>The unregularized run.</summary>
    public OverfitRun Baseline => Runs[0];
}

/// <summary>
/// Overfitting and its cures: a large MLP fits a few noisy points of sin(x) until it memorizes the noise, so the
/// training loss keeps falling while the validation loss turns up; then the same network with weight decay, with
/// dropout and with early stopping, each leaving a smaller gap between validation and training loss.
/// </summary>
public static class OverfitStory
{
    /// <summary>Runs the four trainings.</summary>
    /// <example><code>var result = OverfitStory.Run(new OverfitSettings());</code></example>
    public static OverfitResult Run(OverfitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var (train, valid) = Data(settings);
        double floor = NoiseFloor(valid);
        var runs = new List<OverfitRun>
        {
            Fit("none", settings, train, valid, weightDecay: 0, dropout: 0, patience: null),
            Fit("weight decay", settings, train, valid, settings.WeightDecay, dropout: 0, patience: null),
            Fit("dropout", settings, train, valid, weightDecay: 0, settings.Dropout, patience: null),
            Fit("early stopping", settings, train, valid, weightDecay: 0, dropout: 0, settings.Patience),
        };
        return new OverfitResult(settings, floor, runs);
    }

    /// <summary>The training and validation points: y = sin(x) + noise, x uniform in [−π, π], from separate streams of the seed.</summary>
    public static (TensorDataset Train, TensorDataset Valid) Data(OverfitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return (Synthetic.Sin(settings.TrainPoints, settings.Noise, new Generator(settings.Seed)),
                Synthetic.Sin(settings.ValidPoints, settings.Noise, new Generator(unchecked(settings.Seed + 1000))));
    }

    /// <summary>The MSE of sin(x) itself on <paramref name="valid"/>: the noise's variance in this sample.</summary>
    public static double NoiseFloor(TensorDataset valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var x = valid.Inputs.Data;
        var y = valid.Targets.Data;
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Pow(y[i] - Math.Sin(x[i]), 2);
        return sum / x.Length;
    }

    private static OverfitRun Fit(string name, OverfitSettings s, TensorDataset train, TensorDataset valid, float weightDecay, float dropout, int? patience)
    {
        // The same initial weights in every run, so that only the regularization differs.
        var init = new Generator(unchecked(s.Seed + 1));
        var masks = new Generator(unchecked(s.Seed + 2));
        var model = new Sequential();
        int previous = 1;
        foreach (int h in s.Layers)
        {
            model.Add(new Linear(previous, h, generator: init)).Add(new ReLU());
            if (dropout > 0) model.Add(new Dropout(dropout, masks));
            previous = h;
        }
        model.Add(new Linear(previous, 1, generator: init));
        Optimizer optimizer = weightDecay > 0 ? new AdamW(model.Parameters(), s.LearningRate, weightDecay: weightDecay) : new Adam(model.Parameters(), s.LearningRate);
        var trainLoader = new DataLoader(train, train.Count, shuffle: false);
        var validLoader = new DataLoader(valid, 500);
        var trainEval = new DataLoader(train, train.Count);
        var curve = new TrainCurve(trainEval);
        var callbacks = new List<ICallback> { curve, new NanGuard() };
        EarlyStopping? stop = null;
        if (patience is int p) callbacks.Add(stop = new EarlyStopping("valid_loss", p, restoreBestWeights: true));
        var learner = new Learner(model, trainLoader, validLoader, new MSELoss(), optimizer, callbacks: callbacks, generators: [masks]);
        var history = learner.Fit(s.Epochs);
        if (learner.StopReason?.StartsWith("training diverged", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"demo overfit ({name}): {learner.StopReason}; try a lower --lr");
        var validLoss = history.Series("valid_loss");
        int best = Array.IndexOf(validLoss, validLoss.Min()) + 1;
        double finalTrain = learner.Evaluate(trainEval).Loss;
        double finalValid = learner.Evaluate(validLoader).Loss;
        return new OverfitRun(name, [.. curve.Losses], validLoss, finalTrain, finalValid, stop?.BestEpoch > 0 ? stop.BestEpoch : best, stop?.StoppedEpoch ?? 0);
    }

    /// <summary>
    /// Records the training loss in evaluation mode after each epoch: the loss Fit reports is measured during the
    /// step, with dropout on, which would hide how closely the network fits the points.
    /// </summary>
    private sealed class TrainCurve(DataLoader train) : ICallback
    {
        public List<double> Losses { get; } = [];

        public void OnEpochEnd(Learner learner, EpochRecord record) => Losses.Add(learner.Evaluate(train).Loss);
    }
}
