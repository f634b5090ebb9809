using System.Globalization;
using System.Text.Json;
using Descent.IO;
using static Descent.IO.SafetensorsMetadata;

namespace Descent.Training;

/// <summary>
/// A full training state in ONE safetensors file, from which <see cref="Learner.Fit(int, string?)"/> resumes to exactly
/// the weights of an uninterrupted run. Tensors: the model's state dict under <c>model.</c>, the optimizer's
/// under <c>optimizer.</c>, callbacks' tensors under <c>callbacks.{key}.</c>. The <c>__metadata__</c> holds
/// what float32 tensors cannot carry exactly: <c>format</c>, <c>epoch</c>, <c>step</c>, <c>optimizer_type</c>,
/// <c>optimizer_groups</c> (the groups' hyper-parameters as doubles), <c>scheduler</c> (the <c>LrScheduler</c>
/// state), <c>rng</c> (every generator's state), <c>history</c>, <c>callbacks</c>, and optionally
/// <c>architecture</c>, <c>run</c> (the settings that define the run, for tools to compare before resuming)
/// and <c>stop_reason</c>; all JSON, doubles written to read back bit for bit.
/// Files are written atomically (<see cref="AtomicFile"/>), so a crash leaves the previous checkpoint intact.
/// </summary>
/// <example><code>
/// learner.SaveCheckpoint("run.safetensors");
/// var checkpoint = Checkpoint.Load("run.safetensors");
/// Console.WriteLine($"epoch {checkpoint.Epoch}, {checkpoint.Architecture}");
/// </code></example>
public sealed class Checkpoint
{
    /// <summary>The value of the <c>format</c> metadata entry that marks a checkpoint.</summary>
    public const string FormatName = "descent.checkpoint.v1";

    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.", CallbacksPrefix = "callbacks.";

    /// <summary>The model's state dict (names without the <c>model.</c> prefix).</summary>
    public required OrderedDictionary<string, Tensor> Model { get; init; }

    /// <summary>The optimizer's state dict (names without the <c>optimizer.</c> prefix).</summary>
    public required OrderedDictionary<string, Tensor> Optimizer { get; init; }

    /// <summary>The optimizer's class name, checked on resume.</summary>
    public required string OptimizerType { get; init; }

    /// <summary>Each parameter group's hyper-parameters (<c>lr</c>, <c>initial_lr</c>, <c>weight_decay</c>, and <c>momentum</c>, <c>beta1</c>, <c>beta2</c> where the group has them), exactly.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<string, double>> OptimizerGroups { get; init; }

    /// <summary>The schedule driver's state dict, or null when training had no schedule.</summary>
    public IReadOnlyDictionary<string, double>? Scheduler { get; init; }

    /// <summary>The state of every generator by name (see <see cref="Generator.GetState"/>).</summary>
    public required IReadOnlyDictionary<string, ulong[]> Rng { get; init; }

    /// <summary>Completed epochs.</summary>
    public required int Epoch { get; init; }

    /// <summary>Completed optimizer steps.</summary>
    public required long Step { get; init; }

    /// <summary>The history of the completed epochs.</summary>
    public required History History { get; init; }

    /// <summary>A description of the model, or null.</summary>
    public string? Architecture { get; init; }

    /// <summary>
    /// The settings that define the run (for the CLI, its flags by name: <c>--batch-size</c> → <c>64</c>), in order, or
    /// null. Recorded so a tool can refuse to resume a different run before doing any work; the learner does not read it.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Run { get; init; }

    /// <summary>Why training had stopped early when this was written, or null.</summary>
    public string? StopReason { get; init; }

    /// <summary>Callback states by key.</summary>
    public IReadOnlyDictionary<string, CallbackState> Callbacks { get; init; } = new Dictionary<string, CallbackState>();

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in checkpoint.Model) tensors.Add(new(ModelPrefix + k, v));
        foreach (var (k, v) in checkpoint.Optimizer) tensors.Add(new(OptimizerPrefix + k, v));
        foreach (var (key, state) in checkpoint.Callbacks)
        {
            CheckKey(key);
            foreach (var (k, v) in state.Tensors) tensors.Add(new($"{CallbacksPrefix}{key}.{k}", v));
        }
        var c = CultureInfo.InvariantCulture;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["epoch"] = checkpoint.Epoch.ToString(c),
            ["step"] = checkpoint.Step.ToString(c),
            ["optimizer_type"] = checkpoint.OptimizerType,
            ["optimizer_groups"] = Json(w =>
            {
                w.WriteStartArray();
                foreach (var g in checkpoint.OptimizerGroups) WriteMap(w, g);
                w.WriteEndArray();
            }),
            ["rng"] = Json(w =>
            {
                w.WriteStartObject();
                foreach (var (name, state) in checkpoint.Rng)
                {
                    w.WriteStartArray(name);
                    foreach (ulong word in state) w.WriteNumberValue(word);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }),
            ["history"] = checkpoint.History.ToJson(),
            ["callbacks"] = Json(w =>
            {
                w.WriteStartObject();
                foreach (var (key, state) in checkpoint.Callbacks)
                {
                    w.WritePropertyName(key);
                    WriteMap(w, state.Values);
                }
                w.WriteEndObject();
            }),
        };
        if (checkpoint.Scheduler != null) metadata["scheduler"] = Json(w => WriteMap(w, checkpoint.Scheduler));
        if (checkpoint.Architecture != null) metadata["architecture"] = checkpoint.Architecture;
        if (checkpoint.Run != null)
        {
            metadata["run"] = Json(w =>
            {
                w.WriteStartObject();
                foreach (var (k, v) in checkpoint.Run) w.WriteString(k, v);
                w.WriteEndObject();
            });
        }
        if (checkpoint.StopReason != null) metadata["stop_reason"] = checkpoint.StopReason;
        Safetensors.Save(path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint; throws <see cref="SafetensorsFormatException"/> naming the file and the faulty part.</summary>
    public static Checkpoint Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found ('{Path.GetFullPath(path)}')", path);
        return Parse(Data.FileBytes.Read(path, Data.FileBytes.MaxBytes), Path.GetFileName(path));
    }

    /// <summary>Parses a checkpoint held in memory; <paramref name="name"/> names it in errors.</summary>
    public static Checkpoint Parse(ReadOnlySpan<byte> bytes, string name)
    {
        var (tensors, metadata) = Safetensors.Parse(bytes, name);
        if (!metadata.TryGetValue("format", out var format) || format != FormatName)
            throw Fail(name, $"not a Descent checkpoint (metadata 'format' is {(format == null ? "missing" : $"'{format}'")}, expected '{FormatName}')");
        string Required(string key) => metadata.TryGetValue(key, out var v) ? v : throw Fail(name, $"metadata '{key}' is missing");

        var model = new OrderedDictionary<string, Tensor>();
        var optimizer = new OrderedDictionary<string, Tensor>();
        var callbackTensors = new Dictionary<string, Dictionary<string, Tensor>>();
        foreach (var (key, tensor) in tensors)
        {
            if (key.StartsWith(ModelPrefix, StringComparison.Ordinal)) model.Add(key[ModelPrefix.Length..], tensor);
            else if (key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) optimizer.Add(key[OptimizerPrefix.Length..], tensor);
            else if (key.StartsWith(CallbacksPrefix, StringComparison.Ordinal) && key.IndexOf('.', CallbacksPrefix.Length) is int dot && dot > CallbacksPrefix.Length && dot < key.Length - 1)
            {
                string owner = key[CallbacksPrefix.Length..dot];
                if (!callbackTensors.TryGetValue(owner, out var map)) callbackTensors[owner] = map = [];
                map[key[(dot + 1)..]] = tensor;
            }
            else throw Fail(name, $"tensor '{key}' belongs to no part of a checkpoint (expected a 'model.', 'optimizer.' or 'callbacks.KEY.' prefix)");
        }

        int epoch = ParseWhole(name, "epoch", Required("epoch"), int.MaxValue);
        long step = ParseWhole(name, "step", Required("step"), long.MaxValue);
        History history;
        try
        {
            history = History.FromJson(Required("history"));
        }
        catch (FormatException e)
        {
            throw Fail(name, $"metadata 'history': {e.Message}", e);
        }
        if (history.Count != epoch) throw Fail(name, $"metadata 'history' has {history.Count} epochs but 'epoch' is {epoch}");

        var groups = ReadJson(name, "optimizer_groups", Required("optimizer_groups"), root =>
        {
            if (root.ValueKind != JsonValueKind.Array) throw new FormatException("expected an array of objects");
            return root.EnumerateArray().Select(g => (IReadOnlyDictionary<string, double>)ReadMap(g)).ToList();
        });
        var rng = ReadJson(name, "rng", Required("rng"), root =>
        {
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object of generator states");
            var states = new Dictionary<string, ulong[]>();
            foreach (var p in root.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 7)
                    throw new FormatException($"generator '{p.Name}': expected 7 words of state");
                var words = new ulong[7];
                int i = 0;
                foreach (var w in p.Value.EnumerateArray())
                {
                    if (w.ValueKind != JsonValueKind.Number || !w.TryGetUInt64(out words[i]))
                        throw new FormatException($"generator '{p.Name}': word {i} is not an unsigned 64-bit integer");
                    i++;
                }
                // xoshiro256 never reaches the all-zero state, and from it would draw zeros forever.
                if ((words[0] | words[1] | words[2] | words[3]) == 0)
                    throw new FormatException($"generator '{p.Name}': words 0-3 are all zero, a state no generator reaches");
                if (!states.TryAdd(p.Name, words)) throw new FormatException($"generator '{p.Name}' appears twice");
            }
            return states;
        });
        var callbackValues = ReadJson(name, "callbacks", Required("callbacks"), root =>
        {
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object of callback states");
            var values = new Dictionary<string, Dictionary<string, double>>();
            foreach (var p in root.EnumerateObject())
                if (!values.TryAdd(p.Name, ReadMap(p.Value))) throw new FormatException($"callback '{p.Name}' appears twice");
            return values;
        });
        var orphan = callbackTensors.Keys.FirstOrDefault(k => !callbackValues.ContainsKey(k));
        if (orphan != null) throw Fail(name, $"tensors under 'callbacks.{orphan}.' have no entry in metadata 'callbacks'");
        var callbacks = callbackValues.ToDictionary(kv => kv.Key, kv => new CallbackState(kv.Value,
            callbackTensors.TryGetValue(kv.Key, out var t) ? t : new Dictionary<string, Tensor>()));
        var run = metadata.TryGetValue("run", out var r)
            ? ReadJson(name, "run", r, root =>
            {
                if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object of strings");
                var entries = new List<KeyValuePair<string, string>>();
                foreach (var p in root.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) throw new FormatException($"'{p.Name}' is not a string");
                    if (entries.Any(e => e.Key == p.Name)) throw new FormatException($"'{p.Name}' appears twice");
                    entries.Add(new(p.Name, p.Value.GetString()!));
                }
                return (IReadOnlyList<KeyValuePair<string, string>>)entries;
            })
            : null;
        var scheduler = metadata.TryGetValue("scheduler", out var s)
            ? ReadJson(name, "scheduler", s, root => (IReadOnlyDictionary<string, double>)ReadMap(root))
            : null;

        return new Checkpoint
        {
            Model = model,
            Optimizer = optimizer,
            OptimizerType = Required("optimizer_type"),
            OptimizerGroups = groups,
            Scheduler = scheduler,
            Rng = rng,
            Epoch = epoch,
            Step = step,
            History = history,
            Architecture = metadata.GetValueOrDefault("architecture"),
            Run = run,
            StopReason = metadata.GetValueOrDefault("stop_reason"),
            Callbacks = callbacks,
        };
    }

    /// <summary>
    /// The model weights (names without prefix) and the architecture from a checkpoint, or from a plain
    /// model file (a safetensors state dict, <c>architecture</c> read from its metadata if present).
    /// </summary>
    /// <example><code>
    /// var (state, arch) = Checkpoint.LoadModel("best.safetensors");
    /// model.LoadStateDict(state);
    /// </code></example>
    public static (OrderedDictionary<string, Tensor> State, string? Architecture) LoadModel(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found ('{Path.GetFullPath(path)}')", path);
        var bytes = Data.FileBytes.Read(path, Data.FileBytes.MaxBytes);
        var (tensors, metadata) = Safetensors.Parse(bytes, Path.GetFileName(path));
        if (!metadata.ContainsKey("format")) return (tensors, metadata.GetValueOrDefault("architecture"));
        var checkpoint = Parse(bytes, Path.GetFileName(path));
        return (checkpoint.Model, checkpoint.Architecture);
    }

    private static void CheckKey(string key)
    {
        if (key.Length == 0 || !key.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            throw new ArgumentException($"Checkpoint.Save: callback key '{key}' must be letters, digits and underscores");
    }
}
