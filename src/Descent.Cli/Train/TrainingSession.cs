using Descent.Data;
using Descent.Nn;
using Descent.Optim.Schedules;
using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>
/// Everything one training run needs, built from <see cref="TrainSettings"/> and loaded data: the model, its
/// description, loaders, loss, optimizer, schedule, callbacks and the <see cref="Learner"/> over them. Every
/// random choice comes from generators seeded by <see cref="TrainSettings.Seed"/>.
/// </summary>
public sealed class TrainingSession
{
    /// <summary>Validation batches are larger: no gradients are kept for them.</summary>
    public const int ValidBatchSize = 256;

    private TrainingSession(TrainSettings settings, TrainingData data, Sequential model, ModelInfo info, Schedule schedule,
        EarlyStopping? earlyStopping, Learner learner)
    {
        Settings = settings;
        Data = data;
        Model = model;
        Info = info;
        Schedule = schedule;
        EarlyStopping = earlyStopping;
        Learner = learner;
    }

    /// <summary>The flags.</summary>
    public TrainSettings Settings { get; }

    /// <summary>The data.</summary>
    public TrainingData Data { get; }

    /// <summary>The model being trained.</summary>
    public Sequential Model { get; }

    /// <summary>The model's description, saved with it.</summary>
    public ModelInfo Info { get; }

    /// <summary>The learning-rate schedule over the whole run.</summary>
    public Schedule Schedule { get; }

    /// <summary>The early-stopping callback, or null without <c>--early-stop</c>.</summary>
    public EarlyStopping? EarlyStopping { get; }

    /// <summary>The training loop.</summary>
    public Learner Learner { get; }

    /// <summary>Optimizer steps in the whole run.</summary>
    public long TotalSteps => (long)Settings.Epochs * Learner.TrainLoader.Count;

    /// <summary>Builds the run; <paramref name="progress"/> receives epochs and messages.</summary>
    public static TrainingSession Create(TrainSettings settings, TrainingData data, IProgressReporter? progress)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        settings.CheckCombination();
        settings.CheckAgainst(data);
        ulong seed = settings.Seed;
        var (init, dropout, shuffle, shifts) = RunGenerators.For(seed);
        var model = settings.Model.Build(data.InputShape, data.Outputs, settings.Dropout, init, dropout);
        var info = new ModelInfo(settings.Model.ToString(), data.Task, data.InputShape, data.Outputs, settings.Dropout, data.Scaling,
            data.ClassNames, data.Features, data.Spec.ModelRecord, seed, settings.ValSplit);
        Dataset trainSet = settings.Augment > 0 ? new RandomShift(data.Train, settings.Augment, shifts) : data.Train;
        var train = new DataLoader(trainSet, settings.BatchSize, shuffle: true, generator: shuffle);
        var valid = new DataLoader(data.Valid, ValidBatchSize);
        Loss loss = data.IsClassification ? new CrossEntropyLoss(labelSmoothing: settings.LabelSmoothing) : new MSELoss();
        IMetric metric = data.IsClassification ? new Accuracy() : new MeanAbsoluteError();
        var optimizer = OptimizerChoice.Create(settings.Optimizer, model.Parameters(), settings.LearningRate, settings.WeightDecay);
        var schedule = ScheduleChoice.Create(settings.Schedule, (long)settings.Epochs * train.Count, settings.LearningRate,
            OptimizerChoice.HasMomentum(settings.Optimizer));
        var callbacks = new List<ICallback> { new NanGuard() };
        EarlyStopping? stop = null;
        if (settings.EarlyStop is int patience) callbacks.Add(stop = new EarlyStopping("valid_loss", patience, restoreBestWeights: true));
        if (settings.Checkpoint != null) callbacks.Add(new ModelCheckpoint(settings.Checkpoint, saveBest: false));
        var learner = new Learner(model, train, valid, loss, optimizer, schedule, [metric], callbacks, progress,
            generators: [dropout, shifts], architecture: info.ToJson(), run: RunFlags.Of(settings));
        return new TrainingSession(settings, data, model, info, schedule, stop, learner);
    }

    /// <summary>The model's outputs for every validation example, in order, in evaluation mode.</summary>
    public Tensor PredictValidation()
    {
        var parts = new List<Tensor>();
        foreach (var (input, _) in new DataLoader(Data.Valid, ValidBatchSize)) parts.Add(Learner.Predict(input));
        return Tensor.Cat([.. parts], 0);
    }
}
