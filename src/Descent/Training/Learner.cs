using System.Diagnostics;
using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Training;

/// <summary>
/// The training loop, as fastai's <c>Learner</c> or Keras's <c>fit</c>: per epoch, the model in training
/// mode, then per batch forward, loss, backward, optional gradient clipping, optimizer step, zeroed
/// gradients and a schedule step; then validation in evaluation mode under no-grad; losses and metrics
/// go into the <see cref="History"/>, progress to an <see cref="IProgressReporter"/>, and callbacks may
/// stop training or save checkpoints. A full training state saved with <see cref="SaveCheckpoint"/>
/// resumes to exactly the weights an uninterrupted run ends with.
/// </summary>
/// <example><code>
/// var train = new DataLoader(trainSet, batchSize: 32, shuffle: true, generator: new Generator(1));
/// var valid = new DataLoader(validSet, batchSize: 256);
/// var opt = new Adam(model.Parameters(), lr: 1e-3);
/// var learner = new Learner(model, train, valid, new CrossEntropyLoss(), opt,
///     schedule: new OneCycle(totalSteps: 10 * train.Count), metrics: [new Accuracy()],
///     callbacks: [new EarlyStopping(patience: 3, restoreBestWeights: true)], progress: new PlainProgress(Console.Out));
/// History history = learner.Fit(10);
/// </code></example>
public sealed partial class Learner
{
    private readonly List<ICallback> _callbacks;
    private readonly List<Generator> _generators;
    private bool _resumedStopped;

    /// <summary>Creates a learner; nothing runs until <see cref="Fit(int, string?)"/>.</summary>
    /// <param name="model">The model trained.</param>
    /// <param name="trainLoader">Training batches (input, target).</param>
    /// <param name="validLoader">Validation batches, or null to skip validation.</param>
    /// <param name="loss">The loss; its reduction must be Mean or Sum.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="schedule">A learning-rate schedule stepped once per batch through an <see cref="LrScheduler"/>, or null.</param>
    /// <param name="metrics">Metrics computed on training and validation batches; names must be unique.</param>
    /// <param name="callbacks">Callbacks, run by <see cref="ICallback.Order"/> then in this order.</param>
    /// <param name="progress">Where progress goes, or null for none.</param>
    /// <param name="maxGradNorm">When set, gradients are clipped to this total 2-norm before each step (<see cref="GradClip.ClipGradNorm"/>).</param>
    /// <param name="generators">Further generators whose state checkpoints must keep (e.g. Dropout's); the loaders' and <see cref="Generator.Default"/> are always kept.</param>
    /// <param name="architecture">A description of the model (e.g. <c>mlp:256,128</c>) stored in checkpoints, so tools can rebuild it.</param>
    /// <param name="run">The settings that define the run (e.g. command-line flags), stored in checkpoints (<see cref="Checkpoint.Run"/>) so tools can compare them before resuming.</param>
    public Learner(Module model, DataLoader trainLoader, DataLoader? validLoader, Loss loss, Optimizer optimizer,
        Schedule? schedule = null, IEnumerable<IMetric>? metrics = null, IEnumerable<ICallback>? callbacks = null,
        IProgressReporter? progress = null, double? maxGradNorm = null, IEnumerable<Generator>? generators = null, string? architecture = null,
        IReadOnlyList<KeyValuePair<string, string>>? run = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainLoader);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (loss.Reduction == Reduction.None)
            throw new ArgumentException($"Learner: the loss must reduce to one value; {loss.GetType().Name} has reduction None (use Mean or Sum)", nameof(loss));
        if (maxGradNorm is double m && !(m > 0 && double.IsFinite(m)))
            throw new ArgumentOutOfRangeException(nameof(maxGradNorm), m, $"Learner: maxGradNorm must be > 0 and finite; got {m}");
        Model = model;
        TrainLoader = trainLoader;
        ValidLoader = validLoader;
        LossFunction = loss;
        Optimizer = optimizer;
        Metrics = (metrics ?? []).ToList();
        foreach (var metric in Metrics) ArgumentNullException.ThrowIfNull(metric, nameof(metrics));
        var duplicate = Metrics.GroupBy(x => x.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new ArgumentException($"Learner: two metrics are named '{duplicate.Key}'", nameof(metrics));
        var reserved = Metrics.FirstOrDefault(x => x.Name is "train_loss" or "valid_loss" || x.Name.StartsWith("train_", StringComparison.Ordinal));
        if (reserved != null) throw new ArgumentException($"Learner: the metric name '{reserved.Name}' is reserved (train_loss, valid_loss, train_*)", nameof(metrics));
        var given = (callbacks ?? []).ToList();
        foreach (var c in given) ArgumentNullException.ThrowIfNull(c, nameof(callbacks));
        _callbacks = given.Select((c, i) => (c, i)).OrderBy(x => x.c.Order).ThenBy(x => x.i).Select(x => x.c).ToList();
        var keys = _callbacks.OfType<IStatefulCallback>().Select(c => c.StateKey).ToList();
        foreach (var key in keys)
            if (key.Length == 0 || !key.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
                throw new ArgumentException($"Learner: callback state key '{key}' must be letters, digits and underscores", nameof(callbacks));
        var repeated = keys.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (repeated != null) throw new ArgumentException($"Learner: two callbacks keep state under '{repeated.Key}'; give them different keys", nameof(callbacks));
        Progress = progress;
        MaxGradNorm = maxGradNorm;
        _generators = (generators ?? []).ToList();
        foreach (var g in _generators) ArgumentNullException.ThrowIfNull(g, nameof(generators));
        Architecture = architecture;
        Run = run;
        if (schedule != null) Scheduler = new LrScheduler(optimizer, schedule);
    }

    /// <summary>The model trained.</summary>
    public Module Model { get; }

    /// <summary>The training loader.</summary>
    public DataLoader TrainLoader { get; }

    /// <summary>The validation loader, or null.</summary>
    public DataLoader? ValidLoader { get; }

    /// <summary>The loss.</summary>
    public Loss LossFunction { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The per-batch schedule driver, or null without a schedule.</summary>
    public LrScheduler? Scheduler { get; }

    /// <summary>The metrics.</summary>
    public IReadOnlyList<IMetric> Metrics { get; }

    /// <summary>The callbacks in the order they run.</summary>
    public IReadOnlyList<ICallback> Callbacks => _callbacks;

    /// <summary>The progress reporter, or null.</summary>
    public IProgressReporter? Progress { get; }

    /// <summary>Gradient clipping threshold, or null.</summary>
    public double? MaxGradNorm { get; }

    /// <summary>The extra generators kept in checkpoints.</summary>
    public IReadOnlyList<Generator> Generators => _generators;

    /// <summary>The architecture description stored in checkpoints, or null.</summary>
    public string? Architecture { get; }

    /// <summary>The settings that define the run, stored in checkpoints, or null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Run { get; }

    /// <summary>Every completed epoch so far (restored by <see cref="Resume"/>).</summary>
    public History History { get; private set; } = new();

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; private set; }

    /// <summary>Completed optimizer steps.</summary>
    public long Step { get; private set; }

    /// <summary>The first parameter group's current learning rate.</summary>
    public double Lr => Optimizer.ParamGroups[0].Lr;

    /// <summary>Why training was asked to stop, or null while it runs on.</summary>
    public string? StopReason { get; private set; }

    /// <summary>True once a callback has called <see cref="RequestStop"/> in the current fit.</summary>
    public bool StopRequested => StopReason != null;

    /// <summary>Asks training to stop (after this batch when called from a batch hook, else after this epoch); reports <paramref name="reason"/>.</summary>
    public void RequestStop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (StopReason != null) return;
        StopReason = reason;
        History.StopReason = reason;
        Progress?.OnMessage(reason);
    }

    /// <summary>Sends a message to the progress reporter (callbacks use it to say what they did).</summary>
    public void Report(string message) => Progress?.OnMessage(message);

    /// <summary>
    /// Trains until <paramref name="epochs"/> epochs are complete in total: a fresh learner runs epochs
    /// 1..epochs; after <paramref name="resumeFrom"/> (or <see cref="Resume"/>) at epoch k it runs k+1..epochs,
    /// ending with exactly the weights of an uninterrupted run. A checkpoint written after training had
    /// stopped early resumes to that stop. Returns <see cref="History"/>.
    /// </summary>
    /// <param name="epochs">The epoch to train up to; at least the epochs already completed.</param>
    /// <param name="resumeFrom">A checkpoint written by <see cref="SaveCheckpoint"/> to restore first, or null.</param>
    public History Fit(int epochs, string? resumeFrom = null)
    {
        if (resumeFrom != null) Resume(resumeFrom);
        if (epochs < Epoch || epochs < 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Learner.Fit: epochs is the total to reach and must be >= the {Epoch} already completed; got {epochs}");
        int batches = TrainLoader.Count;
        if (batches == 0)
            throw new InvalidOperationException($"Learner.Fit: the training loader yields no batches ({TrainLoader.Dataset.Count} examples, batch size {TrainLoader.BatchSize}{(TrainLoader.DropLast ? ", dropLast" : "")})");
        long needed = Step + (long)(epochs - Epoch) * batches;
        if (Scheduler?.Schedule.TotalSteps is long total && needed > total)
            throw new ArgumentException($"Learner.Fit: the schedule {Scheduler.Schedule.GetType().Name} ends after {total} steps, but {epochs} epochs of {batches} batches need {needed}; create it with totalSteps: {needed}", nameof(epochs));
        if (!_resumedStopped)
        {
            StopReason = null;
            History.StopReason = null;
        }
        _resumedStopped = false;

        bool wasTraining = Model.Training;
        Progress?.OnFitBegin(new FitInfo(Epoch + 1, epochs, batches, ValidLoader != null));
        foreach (var c in _callbacks) c.OnFitBegin(this);
        try
        {
            while (Epoch < epochs && !StopRequested)
                if (!RunEpoch(Epoch + 1, epochs)) break;
        }
        finally
        {
            Model.Train(wasTraining);
        }
        foreach (var c in _callbacks) c.OnFitEnd(this, History);
        return History;
    }

    /// <summary>Trains and validates one epoch; false when a batch hook stopped it before its end (then nothing is recorded).</summary>
    private bool RunEpoch(int epoch, int epochs)
    {
        foreach (var c in _callbacks) c.OnEpochBegin(this, epoch);
        var watch = Stopwatch.StartNew();
        Model.Train();
        foreach (var metric in Metrics) metric.Reset();
        var loss = new LossMean(LossFunction.Reduction);
        int batch = 0, batches = TrainLoader.Count;
        using var batchesOfEpoch = TrainLoader.GetEnumerator();
        while (true)
        {
            // One scope per step, the batch's own tensors included: it recycles the step's buffers once
            // nothing reachable uses them, so whatever a callback or metric keeps stays valid.
            using var step = new StepScope();
            if (!batchesOfEpoch.MoveNext()) break;
            var (input, target) = batchesOfEpoch.Current;
            batch++;
            double lr = Lr;
            var output = Model.Forward(input);
            var value = LossOf(output, target);
            value.Backward();
            if (MaxGradNorm is double maxNorm) GradClip.ClipGradNorm(Model.Parameters(), maxNorm);
            Optimizer.Step();
            Optimizer.ZeroGrad();
            Scheduler?.Step();
            Step++;
            double item = value.Item();
            loss.Add(item, input.Size(0));
            // Indexed: a foreach over the interface would allocate an enumerator every step.
            for (int m = 0; m < Metrics.Count; m++) Metrics[m].Update(output, target);
            var result = new BatchResult(epoch, batch, batches, item, lr, Step);
            Progress?.OnBatch(result);
            foreach (var c in _callbacks) c.OnBatchEnd(this, result);
            if (StopRequested) return false;
        }
        var trainMetrics = Metrics.ToDictionary(x => x.Name, x => x.Compute());
        double? validLoss = null;
        IReadOnlyDictionary<string, double> validMetrics = new Dictionary<string, double>();
        if (ValidLoader != null)
        {
            var result = EvaluateCore(ValidLoader, "Learner.Fit");
            validLoss = result.Loss;
            validMetrics = result.Metrics;
        }
        var record = new EpochRecord(epoch, loss.Mean, validLoss, validMetrics, trainMetrics, Lr, watch.Elapsed.TotalSeconds);
        History.Add(record);
        Epoch = epoch;
        Progress?.OnEpochEnd(record, epochs);
        foreach (var c in _callbacks) c.OnEpochEnd(this, record);
        return true;
    }

    /// <summary>The model's output for <paramref name="input"/> in evaluation mode under no-grad; the mode is restored after.</summary>
    /// <example><code>var probabilities = learner.Predict(x).Softmax(-1);</code></example>
    public Tensor Predict(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool wasTraining = Model.Training;
        Model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            return Model.Forward(input);
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }

    /// <summary>The loss (mean over examples) and every metric on <paramref name="loader"/>, in evaluation mode under no-grad.</summary>
    public EvaluationResult Evaluate(DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        bool wasTraining = Model.Training;
        try
        {
            return EvaluateCore(loader, "Learner.Evaluate");
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }

    private EvaluationResult EvaluateCore(DataLoader loader, string caller)
    {
        if (loader.Count == 0)
            throw new InvalidOperationException($"{caller}: the loader yields no batches ({loader.Dataset.Count} examples, batch size {loader.BatchSize})");
        Model.Eval();
        using var _ = Autograd.NoGrad();
        foreach (var metric in Metrics) metric.Reset();
        var loss = new LossMean(LossFunction.Reduction);
        foreach (var (input, target) in loader)
        {
            var output = Model.Forward(input);
            loss.Add(LossOf(output, target).Item(), input.Size(0));
            foreach (var metric in Metrics) metric.Update(output, target);
        }
        return new EvaluationResult(loss.Mean, Metrics.ToDictionary(x => x.Name, x => x.Compute()));
    }

    private Tensor LossOf(Tensor output, Tensor target)
    {
        var value = LossFunction.Forward(output, target);
        if (value.Numel != 1)
            throw new InvalidOperationException($"Learner: {LossFunction.GetType().Name} must give one value; got shape {Shape.Format(value.Shape)}");
        return value;
    }

    /// <summary>Averages batch losses over examples: a mean loss is weighted by the batch size, a summed one is added as it is.</summary>
    private sealed class LossMean(Reduction reduction)
    {
        private double _sum;
        private long _count;

        public void Add(double loss, int examples)
        {
            _sum += reduction == Reduction.Sum ? loss : loss * examples;
            _count += examples;
        }

        public double Mean => _count == 0 ? double.NaN : _sum / _count;
    }
}

/// <summary>What <see cref="Learner.Evaluate"/> measured.</summary>
/// <param name="Loss">The loss averaged over the examples.</param>
/// <param name="Metrics">Each metric by name.</param>
/// <example><code>Console.WriteLine(learner.Evaluate(valid));   // EvaluationResult(loss=0.2005..., accuracy=0.9415)</code></example>
public sealed record EvaluationResult(double Loss, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The loss and each metric by name, with their full precision.</summary>
    public override string ToString() => "EvaluationResult(" + string.Join(", ",
        Metrics.Select(m => $"{m.Key}={m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}")
            .Prepend($"loss={Loss.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}")) + ")";
}
