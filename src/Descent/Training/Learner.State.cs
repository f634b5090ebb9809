using Descent.IO;
using Descent.Optim;

namespace Descent.Training;

public sealed partial class Learner
{
    /// <summary>The generators a checkpoint records, by name: the loaders', the default one, then the extra ones.</summary>
    private List<(string Name, Generator Generator)> NamedGenerators()
    {
        var list = new List<(string, Generator)> { ("train_loader", TrainLoader.Generator) };
        if (ValidLoader != null) list.Add(("valid_loader", ValidLoader.Generator));
        // Resolved now, not at construction: ManualSeed replaces the default generator.
        list.Add(("default", Generator.Default));
        for (int i = 0; i < _generators.Count; i++) list.Add(($"extra_{i}", _generators[i]));
        return list;
    }

    /// <summary>The full training state now: model, optimizer, schedule, generators, epoch, step, history and callback states.</summary>
    public Checkpoint CaptureCheckpoint() => new()
    {
        Model = Model.StateDict(),
        Optimizer = Optimizer.StateDict(),
        OptimizerType = Optimizer.GetType().Name,
        OptimizerGroups = Optimizer.ParamGroups.Select(GroupValues).ToList(),
        Scheduler = Scheduler?.StateDict(),
        Rng = NamedGenerators().ToDictionary(g => g.Name, g => g.Generator.GetState()),
        Epoch = Epoch,
        Step = Step,
        History = CopyHistory(History),
        Architecture = Architecture,
        Run = Run,
        StopReason = StopReason,
        Callbacks = _callbacks.OfType<IStatefulCallback>().ToDictionary(c => c.StateKey, c => c.GetState()),
    };

    /// <summary>Writes the full training state to one safetensors file, atomically (see <see cref="Checkpoint"/>).</summary>
    /// <example><code>learner.Fit(3); learner.SaveCheckpoint("run.safetensors");</code></example>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, CaptureCheckpoint());

    /// <summary>
    /// Restores the training state saved in <paramref name="path"/>; the next <see cref="Fit(int, string?)"/> continues from
    /// its epoch. Throws naming the file and every mismatch (model keys, optimizer, schedule, generators) and
    /// then leaves this learner unchanged.
    /// </summary>
    /// <example><code>learner.Resume("run.safetensors"); learner.Fit(10);</code></example>
    public void Resume(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Restore(Checkpoint.Load(path), Path.GetFileName(path));
    }

    /// <summary>Restores a captured state (see <see cref="Resume"/>); <paramref name="source"/> names it in errors.</summary>
    public void Restore(Checkpoint checkpoint, string source = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string Prefix() => $"{source}: the checkpoint does not fit this learner";
        var generators = NamedGenerators();
        var modelBefore = Model.StateDict();
        var optimizerBefore = Optimizer.StateDict();
        var groupsBefore = Optimizer.ParamGroups.Select(GroupValues).ToList();
        var stateful = _callbacks.OfType<IStatefulCallback>().Where(c => checkpoint.Callbacks.ContainsKey(c.StateKey)).ToList();
        var callbacksBefore = stateful.Select(c => c.GetState()).ToList();
        var schedulerBefore = Scheduler?.StateDict();
        try
        {
            Model.LoadStateDict(checkpoint.Model);
            if (Architecture != null && checkpoint.Architecture != null && Architecture != checkpoint.Architecture)
                throw new ArgumentException($"architecture '{Clip(checkpoint.Architecture)}' differs from this learner's '{Architecture}'");
            if (checkpoint.OptimizerType != Optimizer.GetType().Name)
                throw new ArgumentException($"it was written by optimizer {Clip(checkpoint.OptimizerType)}, this learner uses {Optimizer.GetType().Name}");
            if ((checkpoint.Scheduler == null) != (Scheduler == null))
                throw new ArgumentException($"{(Scheduler == null ? "it has a schedule state but this learner has no schedule" : "this learner has a schedule but the checkpoint has no schedule state")}");
            if (checkpoint.OptimizerGroups.Count != Optimizer.ParamGroups.Count)
                throw new ArgumentException($"it has {checkpoint.OptimizerGroups.Count} parameter group(s), the optimizer {Optimizer.ParamGroups.Count}");
            var missing = generators.Select(g => g.Name).Where(n => !checkpoint.Rng.ContainsKey(n)).ToList();
            var unexpected = checkpoint.Rng.Keys.Where(n => generators.All(g => g.Name != n)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException($"generator states differ" +
                    (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "") +
                    (unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", unexpected)}" : "") +
                    " (pass the same loaders and generators as the run that wrote it)");
            Optimizer.LoadStateDict(checkpoint.Optimizer);
            for (int i = 0; i < Optimizer.ParamGroups.Count; i++) SetGroupValues(Optimizer.ParamGroups[i], checkpoint.OptimizerGroups[i], i);
            if (checkpoint.Scheduler != null) Scheduler!.LoadStateDict(checkpoint.Scheduler);
            foreach (var c in stateful) c.SetState(checkpoint.Callbacks[c.StateKey]);
        }
        catch (Exception e) when (e is ArgumentException)
        {
            Model.LoadStateDict(modelBefore);
            Optimizer.LoadStateDict(optimizerBefore);
            for (int i = 0; i < groupsBefore.Count; i++) SetGroupValues(Optimizer.ParamGroups[i], groupsBefore[i], i);
            if (schedulerBefore != null) Scheduler!.LoadStateDict(schedulerBefore);
            for (int i = 0; i < stateful.Count; i++) stateful[i].SetState(callbacksBefore[i]);
            throw new ArgumentException($"{Prefix()}: {OneLine(e.Message)}", e);
        }
        foreach (var (name, generator) in generators) generator.SetState(checkpoint.Rng[name]);
        Epoch = checkpoint.Epoch;
        Step = checkpoint.Step;
        History = CopyHistory(checkpoint.History);
        History.StopReason = checkpoint.StopReason;
        StopReason = checkpoint.StopReason;
        _resumedStopped = checkpoint.StopReason != null;
    }

    /// <summary>
    /// Inner messages quote text from the file (the architecture) and ArgumentOutOfRangeException adds a line
    /// with the value: the refusal stays on one line.
    /// </summary>
    private static string OneLine(string message)
    {
        var sb = new System.Text.StringBuilder(message.Length);
        foreach (char c in message.ReplaceLineEndings(" ")) sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }

    /// <summary>Text from the file, quoted in a message: a lying file can make it megabytes long.</summary>
    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "...";

    internal static IReadOnlyDictionary<string, double> GroupValues(ParamGroup g)
    {
        var values = new Dictionary<string, double> { ["lr"] = g.Lr, ["initial_lr"] = g.InitialLr, ["weight_decay"] = g.WeightDecay };
        if (g.Momentum is double m) values["momentum"] = m;
        if (g.Beta1 is double b1) values["beta1"] = b1;
        if (g.Beta2 is double b2) values["beta2"] = b2;
        return values;
    }

    internal static void SetGroupValues(ParamGroup g, IReadOnlyDictionary<string, double> values, int index)
    {
        var expected = GroupValues(g).Keys.ToList();
        var missing = expected.Where(k => !values.ContainsKey(k)).ToList();
        var unexpected = values.Keys.Where(k => !expected.Contains(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ArgumentException($"parameter group {index}: hyper-parameters differ" +
                (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "") +
                (unexpected.Count > 0 ? $"; unexpected: {string.Join(", ", unexpected)}" : ""));
        g.Lr = values["lr"];
        g.InitialLr = values["initial_lr"];
        g.WeightDecay = values["weight_decay"];
        if (g.Momentum.HasValue) g.Momentum = values["momentum"];
        if (g.Beta1.HasValue) g.Beta1 = values["beta1"];
        if (g.Beta2.HasValue) g.Beta2 = values["beta2"];
    }

    private static History CopyHistory(History source)
    {
        var copy = new History { StopReason = source.StopReason };
        foreach (var row in source) copy.Add(row);
        return copy;
    }
}
