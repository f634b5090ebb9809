using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.IO;
using Descent.Tests.Training;
using Descent.Training;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>
/// Seeded mutation tests of <see cref="Checkpoint.Parse"/>, <see cref="Checkpoint.Load"/> and
/// <see cref="Learner.Resume"/>: byte mutations of whole files, lies in the tensor entries (dtype, shape,
/// offsets, names outside the checkpoint's prefixes) and edits of the metadata a checkpoint adds on top of
/// safetensors (epoch and step as non-numbers, history, scheduler, generator states, optimizer groups,
/// callbacks: wrong types, missing or duplicated keys, huge arrays, deep nesting, text edits).
/// </summary>
/// <remarks>Resume restores <see cref="Generator.Default"/> to fuzzed states, so these tests run alone.</remarks>
[Collection("Generator.Default")]
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz.ckpt.safetensors";

    /// <summary>A checkpoint split into its header (as a JSON tree) and its data section.</summary>
    private sealed record Seed(JsonObject Header, byte[] Data)
    {
        public byte[] Bytes() => Assemble(Encoding.UTF8.GetBytes(Header.ToJsonString()), Data);

        public JsonObject Metadata => (JsonObject)Header["__metadata__"]!;

        public static Seed From(byte[] file)
        {
            int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
            var header = (JsonObject)JsonNode.Parse(file.AsSpan(8, n))!;
            return new Seed(header, file[(8 + n)..]);
        }

        public Seed Copy() => new((JsonObject)Header.DeepClone(), Data);
    }

    private static byte[] Assemble(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static readonly Lazy<Seed[]> Seeds = new(MakeSeeds);

    /// <summary>Real checkpoints: Adam + OneCycle + noise generator + both stateful callbacks after 2 epochs; SGD without schedule or validation at epoch 0.</summary>
    private static Seed[] MakeSeeds()
    {
        var dir = FuzzRunner.TempFolder();
        try
        {
            var defaultState = Generator.Default.GetState();
            var full = TrainingKit.MoonsLearner(5, "adam", epochs: 3, callbacks:
                [new EarlyStopping(patience: 5, restoreBestWeights: true), new ModelCheckpoint(Path.Combine(dir, "best.safetensors"))]);
            full.Fit(2);
            var bare = TrainingKit.MoonsLearner(6, "sgd", schedule: false, noise: false);
            Generator.Default.SetState(defaultState);
            return [Seed.From(Serialize(full.CaptureCheckpoint(), dir)), Seed.From(Serialize(bare.CaptureCheckpoint(), dir))];
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static byte[] Serialize(Checkpoint c, string dir)
    {
        var path = Path.Combine(dir, "seed.safetensors");
        Checkpoint.Save(path, c);
        return System.IO.File.ReadAllBytes(path);
    }

    private static readonly string[] NotWholeNumbers =
    [
        "", " ", "-1", "+2", " 2", "2 ", "1.0", "1e3", "0x10", "NaN", "Infinity", "2147483648", "9223372036854775808",
        "99999999999999999999999", "١", "2\u0000", "null", "[]", "\"2\"", "1_000",
    ];

    private static readonly string[] JsonValues =
    [
        "null", "true", "0", "-1", "1.5", "1e400", "-1e400", "18446744073709551615", "18446744073709551616", "-9223372036854775809",
        "\"NaN\"", "\"nan\"", "\"Infinity\"", "\"\"", "\"x\"", "[]", "{}", "[1]", "{\"a\":1}", "\"\\ud800\"",
    ];

    private static readonly string[] MetadataKeys =
        ["format", "epoch", "step", "optimizer_type", "optimizer_groups", "rng", "history", "callbacks", "scheduler", "architecture", "stop_reason"];

    private const string Placeholder = "__fuzz_placeholder__";

    private static string Pick(Random r, string[] options) => options[r.Next(options.Length)];

    /// <summary>A JSON array of <paramref name="n"/> copies of <paramref name="item"/>.</summary>
    private static string Repeat(string item, int n) => "[" + string.Join(",", Enumerable.Repeat(item, n)) + "]";

    private static int HugeCount(Random r) => r.Next(3) switch { 0 => r.Next(8, 100), 1 => r.Next(1000, 5000), _ => r.Next(20_000, 100_000) };

    /// <summary>Every node of a JSON tree with a way to replace or remove it.</summary>
    private static List<(string Path, Action<JsonNode?> Replace, Action Remove)> Nodes(JsonNode root)
    {
        var nodes = new List<(string, Action<JsonNode?>, Action)>();
        void Walk(JsonNode node, string path)
        {
            if (node is JsonObject o)
            {
                foreach (var (k, v) in o.ToList())
                {
                    string key = k;
                    nodes.Add(($"{path}.{key}", n => o[key] = n, () => o.Remove(key)));
                    if (v != null) Walk(v, $"{path}.{key}");
                }
            }
            else if (node is JsonArray a)
            {
                for (int i = 0; i < a.Count; i++)
                {
                    int index = i;
                    nodes.Add(($"{path}[{index}]", n => a[index] = n, () => a.RemoveAt(index)));
                    if (a[i] != null) Walk(a[i]!, $"{path}[{index}]");
                }
            }
        }
        Walk(root, "");
        return nodes;
    }

    /// <summary>An edit of one metadata entry: the lies a checkpoint reader must see through.</summary>
    private static FuzzCase MetadataLie(Random r, Seed seed)
    {
        var s = seed.Copy();
        var meta = s.Metadata;
        string key = Pick(r, MetadataKeys);
        string? value = meta.TryGetPropertyValue(key, out var v) ? v!.GetValue<string>() : null;
        string how;
        switch (r.Next(10))
        {
            case 0:
                meta.Remove(key);
                how = $"{key} removed";
                break;
            case 1:
                meta[key] = Pick(r, NotWholeNumbers);
                how = $"{key}='{Mutate.Escape(meta[key]!.GetValue<string>())}'";
                break;
            case 2:
                meta[key] = Pick(r, JsonValues);
                how = $"{key}={Mutate.Escape(meta[key]!.GetValue<string>())}";
                break;
            case 3 when key is "epoch" or "step" && value != null:
            {
                long n = long.Parse(value);
                long lie = r.Next(3) switch { 0 => n + r.Next(-2, 3), 1 => Mutate.Interesting[r.Next(Mutate.Interesting.Length)], _ => -n - 1 };
                meta[key] = lie.ToString(System.Globalization.CultureInfo.InvariantCulture);
                how = $"{key}={lie}";
                break;
            }
            case 4:
            {
                // Huge arrays in the places that hold arrays (and where they do not).
                int n = HugeCount(r);
                string item = key switch
                {
                    "history" => JsonNode.Parse(seed.Metadata["history"]!.GetValue<string>()) is JsonArray { Count: > 0 } rows ? rows[0]!.ToJsonString() : "{}",
                    "optimizer_groups" => "{\"lr\":0.1}",
                    _ => Pick(r, ["0", "1e300", "\"x\"", "[]", "{}"]),
                };
                meta[key] = key == "rng" ? "{\"default\":" + Repeat("1", n) + "}" : Repeat(item, n);
                how = $"{key} array of {n}";
                break;
            }
            case 5:
            {
                int depth = r.Next(2, 300);
                string nested = new string('[', depth) + new string(']', depth);
                meta[key] = key is "history" or "optimizer_groups" ? nested : "{\"a\":" + nested + "}";
                how = $"{key} nesting {depth}";
                break;
            }
            case 6 when value != null:
            {
                var (bytes, h) = Mutate.Text(r, Encoding.UTF8.GetBytes(value));
                meta[key] = Encoding.UTF8.GetString(bytes);
                how = $"{key} text {h}";
                break;
            }
            case 7 when value != null && value.StartsWith('{') || value != null && value.StartsWith('['):
            {
                // Duplicate a property or element by text: JSON trees cannot hold duplicate keys.
                int colon = value.IndexOf(':');
                string dup;
                if (colon > 0 && value[0] == '{' && value.IndexOf('"') is int q && q > 0)
                {
                    int end = value.IndexOf(',', colon) is int c && c > 0 ? c : value.Length - 1;
                    dup = value[..end] + "," + value[1..end] + value[end..];
                }
                else dup = value.Length > 2 ? "[" + value[1..^1] + "," + value[1..^1] + "]" : value;
                meta[key] = dup;
                how = $"{key} duplicated part";
                break;
            }
            default:
            {
                if (value == null) { meta[key] = "1"; how = $"{key} added"; break; }
                JsonNode? tree;
                try { tree = JsonNode.Parse(value); }
                catch (JsonException) { meta[key] = value + "x"; how = $"{key}+x"; break; }
                if (tree == null) { meta[key] = "{}"; how = $"{key} null->{{}}"; break; }
                var nodes = Nodes(tree);
                if (nodes.Count == 0) { meta[key] = "[" + value + "]"; how = $"{key} wrapped"; break; }
                var (path, replace, remove) = nodes[r.Next(nodes.Count)];
                if (r.Next(4) == 0)
                {
                    remove();
                    how = $"{key}{path} removed";
                }
                else
                {
                    string json = r.Next(5) == 0 ? Repeat(Pick(r, ["0", "1", "\"NaN\""]), HugeCount(r)) : Pick(r, JsonValues);
                    // Spliced in as text: a tree cannot hold a lone surrogate, and huge arrays need no parsing.
                    replace(Placeholder);
                    how = $"{key}{path}={(json.Length > 20 ? json[..20] + "…" : json)}";
                    meta[key] = tree.ToJsonString().Replace($"\"{Placeholder}\"", json, StringComparison.Ordinal);
                    break;
                }
                meta[key] = tree.ToJsonString();
                break;
            }
        }
        return new FuzzCase(s.Bytes(), "metadata " + how);
    }

    private static readonly string[] Names =
    [
        "model", "model.", "optimizer.", "callbacks", "callbacks.", "callbacks.x", "callbacks..w", "callbacks.x.", "callbacks.nope.w",
        "callbacks.early_stopping.", "weights.0", "", "__metadata__", "model.0.weight\u0000",
    ];

    /// <summary>A lie in one tensor entry: dtype, shape, offsets or a name outside the checkpoint's parts.</summary>
    private static FuzzCase TensorLie(Random r, Seed seed)
    {
        var s = seed.Copy();
        var names = s.Header.Where(p => p.Key != "__metadata__").Select(p => p.Key).ToList();
        string name = names[r.Next(names.Count)];
        var entry = (JsonObject)s.Header[name]!;
        string how;
        switch (r.Next(6))
        {
            case 0:
            {
                // A wrong but well-formed dtype with the data re-encoded to match, or a dtype the reader refuses.
                string dtype = Pick(r, ["F64", "F16", "BF16", "I32", "U8", "BOOL", "f32", "F8_E4M3"]);
                var data = s.Data;
                int size = dtype switch { "F64" => 8, "F16" or "BF16" => 2, "I32" => 4, _ => 1 };
                long begin = entry["data_offsets"]![0]!.GetValue<long>(), end = entry["data_offsets"]![1]!.GetValue<long>();
                var values = MemoryMarshalFloats(data.AsSpan((int)begin, (int)(end - begin)));
                var encoded = new byte[values.Length * size];
                for (int i = 0; i < values.Length; i++)
                {
                    switch (dtype)
                    {
                        case "F64": BinaryPrimitives.WriteDoubleLittleEndian(encoded.AsSpan(8 * i), values[i]); break;
                        case "F16": BinaryPrimitives.WriteHalfLittleEndian(encoded.AsSpan(2 * i), (Half)values[i]); break;
                        case "BF16": BinaryPrimitives.WriteUInt16LittleEndian(encoded.AsSpan(2 * i), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16)); break;
                        case "I32": BinaryPrimitives.WriteInt32LittleEndian(encoded.AsSpan(4 * i), (int)values[i]); break;
                        default: encoded[i] = (byte)values[i]; break;
                    }
                }
                entry["dtype"] = dtype;
                s = Resize(s, begin, end, encoded);
                how = $"{name} as {dtype}";
                break;
            }
            case 1:
            {
                var shape = (JsonArray)entry["shape"]!;
                int op = r.Next(3);
                if (op == 0 && shape.Count > 0) shape[r.Next(shape.Count)] = JsonNode.Parse(Pick(r, ["0", "1", "-1", "2147483647", "4294967296", "1.5", "\"2\"", "null"]));
                else if (op == 1) shape.Insert(r.Next(shape.Count + 1), JsonNode.Parse(Pick(r, ["1", "2", "0", "65536"])));
                else if (shape.Count > 0) shape.RemoveAt(r.Next(shape.Count));
                how = $"{name} shape {shape.ToJsonString()}";
                break;
            }
            case 2:
            {
                var offsets = (JsonArray)entry["data_offsets"]!;
                int which = r.Next(2);
                long delta = r.Next(2) == 0 ? r.Next(-8, 9) : Mutate.Interesting[r.Next(Mutate.Interesting.Length)];
                offsets[which] = unchecked(offsets[which]!.GetValue<long>() + delta);
                how = $"{name} offset[{which}]+{delta}";
                break;
            }
            case 3:
            {
                // Move the entry under another name, possibly one that belongs to no part of a checkpoint.
                string to = r.Next(2) == 0 ? Pick(r, Names) : Pick(r, ["model.", "optimizer.", "callbacks.early_stopping.", "callbacks.model_checkpoint."]) + name.Split('.')[^1];
                if (s.Header.ContainsKey(to)) { how = $"{name} kept"; break; }
                s.Header.Remove(name);
                s.Header[to] = entry;
                how = $"{name} renamed '{Mutate.Escape(to)}'";
                break;
            }
            case 4:
                s.Header.Remove(name);
                how = $"{name} removed";
                break;
            default:
            {
                // A consistent new tensor: valid on its own, foreign to the model or optimizer it claims to belong to.
                int n = r.Next(0, 5);
                string to = Pick(r, ["model.", "optimizer.", "optimizer.state.0.", "callbacks.early_stopping."]) + Pick(r, ["extra", "fc1.weight", "0.exp_avg", "step"]);
                s.Header[to] = new JsonObject
                {
                    ["dtype"] = "F32",
                    ["shape"] = new JsonArray(n),
                    ["data_offsets"] = new JsonArray(s.Data.Length, s.Data.Length + 4 * n),
                };
                s = s with { Data = [.. s.Data, .. new byte[4 * n]] };
                how = $"added '{to}' [{n}]";
                break;
            }
        }
        return new FuzzCase(s.Bytes(), "tensor " + how);
    }

    private static float[] MemoryMarshalFloats(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        return values;
    }

    /// <summary>Replaces bytes [begin, end) of the data section and shifts every later tensor's offsets.</summary>
    private static Seed Resize(Seed s, long begin, long end, byte[] replacement)
    {
        long shift = replacement.Length - (end - begin);
        foreach (var (k, v) in s.Header)
        {
            if (k == "__metadata__") continue;
            var o = (JsonArray)v!["data_offsets"]!;
            long b = o[0]!.GetValue<long>(), e = o[1]!.GetValue<long>();
            if (b >= end && !(b == begin && e == end)) { o[0] = b + shift; o[1] = e + shift; }
            else if (b == begin && e == end) o[1] = b + replacement.Length;
        }
        return s with { Data = [.. s.Data[..(int)begin], .. replacement, .. s.Data[(int)end..]] };
    }

    private static FuzzCase Generate(Random r)
    {
        var seeds = Seeds.Value;
        var seed = seeds[r.Next(seeds.Length)];
        int kind = r.Next(10);
        if (kind < 5) return MetadataLie(r, seed);
        if (kind < 7) return TensorLie(r, seed);
        var (bytes, how) = Mutate.Bytes(r, seed.Bytes());
        return new FuzzCase(bytes, how);
    }

    /// <summary>A checkpoint that parsed must be coherent: tensors hold what their shapes say, the history matches the epoch, generator states have 7 words.</summary>
    private static void Check(Checkpoint c)
    {
        foreach (var (name, t) in c.Model.Concat(c.Optimizer).Concat(c.Callbacks.Values.SelectMany(s => s.Tensors)))
        {
            long n = 1;
            foreach (int d in t.Shape) n *= d;
            if (n != t.Numel || t.ToArray().Length != n) throw new InvalidOperationException($"tensor '{name}' holds {t.Numel} values for shape {Shape.Format(t.Shape)}");
        }
        if (c.History.Count != c.Epoch || c.Epoch < 0 || c.Step < 0) throw new InvalidOperationException($"epoch {c.Epoch}, step {c.Step}, history of {c.History.Count}");
        if (c.Rng.Values.Any(s => s.Length != 7)) throw new InvalidOperationException("a generator state without 7 words");
        if (c.OptimizerType == null || c.OptimizerGroups.Any(g => g == null)) throw new InvalidOperationException("missing optimizer parts");
    }

    /// <summary>
    /// Resumes the first learner the checkpoint fits; throws the first learner's exception when none does.
    /// Every refusal must be one line naming the file, which the fuzz runner checks only for the exception it sees.
    /// </summary>
    private static void ResumeAny(Learner[] learners, string path)
    {
        var refusals = new List<ArgumentException>();
        foreach (var learner in learners)
        {
            try
            {
                learner.Resume(path);
                break;
            }
            catch (ArgumentException e)
            {
                refusals.Add(e);
            }
        }
        var bad = refusals.FirstOrDefault(e => e.Message.Contains('\n') || !e.Message.StartsWith(File, StringComparison.Ordinal));
        if (bad != null) throw new InvalidOperationException($"Resume refused with an unclear message: {bad.Message.ReplaceLineEndings(" | ")}", bad);
        if (refusals.Count == learners.Length) throw refusals[0];
    }

    [Fact]
    public void SeedsParseAndResume()
    {
        foreach (var seed in Seeds.Value) Check(Checkpoint.Parse(seed.Bytes(), File));
        var first = Checkpoint.Parse(Seeds.Value[0].Bytes(), File);
        Assert.Equal(2, first.Epoch);
        Assert.Equal(["early_stopping", "model_checkpoint"], first.Callbacks.Keys.Order());
        Assert.NotNull(first.Scheduler);
        Assert.Null(Checkpoint.Parse(Seeds.Value[1].Bytes(), File).Scheduler);
        var dir = FuzzRunner.TempFolder();
        var defaultState = Generator.Default.GetState();
        try
        {
            var path = Path.Combine(dir, File);
            System.IO.File.WriteAllBytes(path, Seeds.Value[1].Bytes());
            var learner = TrainingKit.MoonsLearner(6, "sgd", schedule: false, noise: false);
            learner.Resume(path);
            Assert.Equal(0, learner.Epoch);
        }
        finally
        {
            Generator.Default.SetState(defaultState);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ParseSurvivesMutations()
    {
        var (ok, rejected) = FuzzRunner.Run("Checkpoint.Parse", File, 11, Generate,
            c => Check(Checkpoint.Parse(c.Input, File)), typeof(SafetensorsFormatException));
        output.WriteLine($"Checkpoint.Parse: {ok + rejected} cases, {ok} parsed, {rejected} rejected");
        Assert.Equal(FuzzRunner.Cases, ok + rejected);
        Assert.True(rejected > FuzzRunner.Cases / 2, $"Checkpoint.Parse: only {rejected} of {FuzzRunner.Cases} mutations rejected; the mutations are too weak");
        Assert.True(ok > FuzzRunner.Cases / 50, $"Checkpoint.Parse: only {ok} of {FuzzRunner.Cases} mutations parsed; the mutations never reach the checks after parsing");
    }

    [Fact]
    public void LoadAndResumeSurviveMutations()
    {
        // Load reads the file; Resume (the consumer the CLI uses) must also refuse a coherent-looking but foreign state
        // with one clear line naming the file, and leave the learner usable.
        var dir = FuzzRunner.TempFolder();
        var path = Path.Combine(dir, File);
        var defaultState = Generator.Default.GetState();
        var learners = new[]
        {
            TrainingKit.MoonsLearner(5, "adam", epochs: 3, callbacks: [new EarlyStopping(patience: 5, restoreBestWeights: true), new ModelCheckpoint(Path.Combine(dir, "best.safetensors"))]),
            TrainingKit.MoonsLearner(6, "sgd", schedule: false, noise: false),
        };
        try
        {
            int resumed = 0;
            var (ok, rejected) = FuzzRunner.Run("Checkpoint.Load+Resume", File, 12, Generate, c =>
            {
                System.IO.File.WriteAllBytes(path, c.Input);
                Check(Checkpoint.Load(path));
                ResumeAny(learners, path);
                resumed++;
            }, typeof(SafetensorsFormatException), typeof(ArgumentException));
            output.WriteLine($"Checkpoint.Load+Resume: {ok + rejected} cases, {ok} resumed into a learner, {rejected} rejected");
            Assert.Equal(FuzzRunner.Cases, ok + rejected);
            Assert.Equal(resumed, ok);
            Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(Path.Combine(dir, "missing.safetensors")));
        }
        finally
        {
            Generator.Default.SetState(defaultState);
            Directory.Delete(dir, true);
        }
    }
}
