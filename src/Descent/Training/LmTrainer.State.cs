using System.Globalization;
using Descent.Optim;

namespace Descent.Training;

// Checkpoints: the whole run in the learner's Checkpoint format, so one reader and one atomic writer serve both.
public sealed partial class LmTrainer
{
    private const string StateKey = "lm", LossesKey = "losses", SecondsKey = "train_seconds", StepName = "step";

    /// <summary>
    /// The run's state as a <see cref="Checkpoint"/>: the model and AdamW state dicts, the weight and batch
    /// generators, the step, the evaluations as history rows (their step under the metric <c>step</c>), every
    /// iteration's loss and the train seconds under the callback key <c>lm</c>, and in <c>architecture</c> one
    /// <c>name=value</c> line per recipe field plus the tokenizer and the splits' sizes, which a resume must match.
    /// </summary>
    public Checkpoint CaptureCheckpoint()
    {
        var history = new History();
        for (int i = 0; i < _evaluations.Count; i++)
        {
            var e = _evaluations[i];
            history.Add(new EpochRecord(i + 1, e.TrainLoss, e.ValidLoss, new Dictionary<string, double> { [StepName] = e.Step },
                new Dictionary<string, double>(), e.Lr, 0));
        }
        var tensors = new Dictionary<string, Tensor>();
        if (_losses.Count > 0) tensors[LossesKey] = Tensor.FromArray([.. _losses], _losses.Count);
        return new Checkpoint
        {
            Model = Model.StateDict(),
            Optimizer = Optimizer.StateDict(),
            OptimizerType = Optimizer.GetType().Name,
            OptimizerGroups = Optimizer.ParamGroups.Select(Learner.GroupValues).ToList(),
            Rng = new Dictionary<string, ulong[]> { ["model"] = _modelGenerator.GetState(), ["batches"] = _batches.GetState() },
            Epoch = _evaluations.Count,
            Step = StepCount,
            History = history,
            Architecture = RunDescription(),
            Callbacks = new Dictionary<string, CallbackState>
            {
                [StateKey] = new(new Dictionary<string, double> { [SecondsKey] = TrainSeconds }, tensors),
            },
        };
    }

    /// <summary>Writes <see cref="CaptureCheckpoint"/> to <paramref name="path"/> atomically.</summary>
    /// <example><code>trainer.SaveCheckpoint("lm.ckpt.safetensors");</code></example>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, CaptureCheckpoint());

    /// <summary>
    /// Continues the run saved in <paramref name="path"/>: after it, <see cref="Run"/> gives the bits an
    /// uninterrupted run gives. A checkpoint of another run is refused naming the first differing field with both values.
    /// </summary>
    /// <example><code>var trainer = LmTrainer.FromText(text, tokenizer, recipe); trainer.Resume("lm.ckpt.safetensors"); trainer.Run();</code></example>
    public void Resume(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Restore(Checkpoint.Load(path), Path.GetFileName(path));
    }

    /// <summary>Restores a captured state (see <see cref="Resume"/>); <paramref name="source"/> names it in errors. Checks everything before changing anything.</summary>
    public void Restore(Checkpoint checkpoint, string source = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string prefix = $"{source}: the checkpoint does not fit this run";
        CheckSameRun(checkpoint, source);
        if (!checkpoint.Rng.TryGetValue("model", out var modelRng) || !checkpoint.Rng.TryGetValue("batches", out var batchRng))
            throw new ArgumentException($"{prefix}: it lacks the 'model' or 'batches' generator state");
        if (!checkpoint.Callbacks.TryGetValue(StateKey, out var state) || !state.Values.TryGetValue(SecondsKey, out double seconds))
            throw new ArgumentException($"{prefix}: it lacks the callback state '{StateKey}' with '{SecondsKey}'");
        var losses = state.Tensors.TryGetValue(LossesKey, out var l) ? l.ToArray() : [];
        if (losses.Length != checkpoint.Step)
            throw new ArgumentException($"{prefix}: it holds {losses.Length} losses for {checkpoint.Step} steps");
        if (checkpoint.OptimizerGroups.Count != Optimizer.ParamGroups.Count)
            throw new ArgumentException($"{prefix}: it has {checkpoint.OptimizerGroups.Count} parameter group(s), the optimizer {Optimizer.ParamGroups.Count}");
        var evaluations = checkpoint.History.Select(r => new LmEvaluation((long)(r.Metrics.TryGetValue(StepName, out double s) ? s
            : throw new ArgumentException($"{prefix}: history row {r.Epoch} lacks '{StepName}'")), r.TrainLoss, r.ValidLoss ?? double.NaN, r.Lr)).ToList();

        var modelBefore = Model.StateDict();
        var optimizerBefore = Optimizer.StateDict();
        var groupsBefore = Optimizer.ParamGroups.Select(Learner.GroupValues).ToList();
        try
        {
            Model.LoadStateDict(checkpoint.Model);
            Optimizer.LoadStateDict(checkpoint.Optimizer);
            for (int i = 0; i < Optimizer.ParamGroups.Count; i++) Learner.SetGroupValues(Optimizer.ParamGroups[i], checkpoint.OptimizerGroups[i], i);
        }
        catch (ArgumentException e)
        {
            Model.LoadStateDict(modelBefore);
            Optimizer.LoadStateDict(optimizerBefore);
            for (int i = 0; i < groupsBefore.Count; i++) Learner.SetGroupValues(Optimizer.ParamGroups[i], groupsBefore[i], i);
            throw new ArgumentException($"{prefix}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        _modelGenerator.SetState(modelRng);
        _batches.SetState(batchRng);
        StepCount = checkpoint.Step;
        TrainSeconds = seconds;
        _losses.Clear();
        _losses.AddRange(losses);
        _evaluations.Clear();
        _evaluations.AddRange(evaluations);
    }

    private string RunDescription()
    {
        var c = CultureInfo.InvariantCulture;
        var fields = Recipe.Fields().Concat(
        [
            ("tokenizer", Tokenizer.Type), ("vocab", Tokenizer.VocabSize.ToString(c)),
            ("train-tokens", TrainSplit.Count.ToString(c)), ("validation-tokens", ValidationSplit.Count.ToString(c)),
        ]);
        return string.Join("\n", fields.Select(f => $"{f.Item1}={f.Item2}"));
    }

    /// <summary>
    /// The first run-defining field (a recipe field such as <c>batch</c> or <c>min-lr</c>, then <c>tokenizer</c>,
    /// <c>vocab</c>, <c>train-tokens</c>, <c>validation-tokens</c>) whose value in <paramref name="checkpoint"/>
    /// differs from this run's, with both values; null when the checkpoint is of this run. Throws when the
    /// checkpoint does not describe a language-model run at all.
    /// </summary>
    public (string Name, string Checkpoint, string Here)? DifferenceFrom(Checkpoint checkpoint, string source = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string? architecture = checkpoint.Architecture;
        if (architecture == null) throw new ArgumentException($"{source}: not a language-model checkpoint (metadata 'architecture' is missing)");
        var theirs = new Dictionary<string, string>();
        foreach (var line in architecture.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"{source}: not a language-model checkpoint (metadata 'architecture' is not name=value lines)");
            theirs[line[..eq]] = line[(eq + 1)..];
        }
        foreach (var line in RunDescription().Split('\n'))
        {
            int eq = line.IndexOf('=');
            string name = line[..eq], ours = line[(eq + 1)..];
            if (!theirs.TryGetValue(name, out var value))
                throw new ArgumentException($"{source}: not a language-model checkpoint (metadata 'architecture' lacks '{name}')");
            if (value != ours) return (name, Clip(value), ours);
        }
        return null;
    }

    private void CheckSameRun(Checkpoint checkpoint, string source)
    {
        if (DifferenceFrom(checkpoint, source) is var (name, theirs, ours))
            throw new ArgumentException($"{source}: the checkpoint is of another run: {name} is {theirs} there and {ours} here");
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
