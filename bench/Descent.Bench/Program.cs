using System.Diagnostics;
using System.Globalization;
using Descent.Bench;
using TorchSharp;

// Descent side by side with libtorch (TorchSharp-cpu) in one process, same data, each case on 1 and on N threads.
// Usage: dotnet run -c Release --project bench/Descent.Bench -- [sections] [--threads N] [--quick] [--seed S] [--json FILE] [--save]
//        ... -- table FILE      the README's speed tables (markdown) from a saved run
//        ... -- profile mlp32|mlp128|mlp1024|inference1024|transformer|attention|lstm|gpt|sample|fit SECONDS [--threads N]   Descent only, for perf record
//        ... -- gc mlp1024|mlp128|cnn|transformer|lstm|matmul1024|matmul2048|add|addgrad CALLS [--threads N]   what the GC does per call, Descent only
//        ... -- products BATCH [--threads N]   the MLP step's products and SGD update one by one (DOTNET_TieredCompilation=0)
// Sections: peak dispatch sgemm tutorial op mlp cnn transformer lstm alloc; none runs them all. The clock and the FMA
// peak are measured in every run, since every "% of peak" divides by them ("peak" alone runs nothing else).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var argList = args.ToList();
bool quick = argList.Remove("--quick");
bool save = argList.Remove("--save");
int threads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture);
int seed = int.Parse(Option("--seed") ?? "15", CultureInfo.InvariantCulture);
string? jsonPath = Option("--json");
if (argList.Count == 2 && argList[0] == "table")
{
    try
    {
        Tables.Write(Report.Read(argList[1]), argList[1], Console.Out);
    }
    catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
    {
        Console.Error.WriteLine(e.Message);
        Environment.Exit(1);
    }
    return;
}
// `products BATCH` times the MLP step's products and update one by one, Descent only.
if (argList.Count == 2 && argList[0] == "products")
{
    MlpProducts.Run(int.Parse(argList[1], CultureInfo.InvariantCulture), threads);
    return;
}
// `gc NAME CALLS` reports what the GC does during one case's Descent calls (GcProbe.cs), and nothing else.
if (argList.Count == 3 && argList[0] == "gc")
{
    GcProbe.Run(argList[1], int.Parse(argList[2], CultureInfo.InvariantCulture), threads);
    return;
}
// `profile NAME SECONDS` runs one Descent-only loop for a sampling profiler and nothing else.
if (argList.Count == 3 && argList[0] == "profile")
{
    ProfileLoops.Run(argList[1], double.Parse(argList[2], CultureInfo.InvariantCulture), threads);
    return;
}
string[] all = ["peak", "dispatch", "sgemm", "tutorial", "op", "mlp", "cnn", "transformer", "lstm", "alloc"];
var unknown = argList.Where(a => !all.Contains(a)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"bench: unknown argument(s) {string.Join(", ", unknown)}; sections are {string.Join(", ", all)}, " +
        "options --threads N, --quick, --seed S, --json FILE, --save; or table FILE; or profile NAME SECONDS");
    Environment.Exit(2);
}
if (threads < 1)
{
    Console.Error.WriteLine($"bench: --threads must be at least 1; got {threads}");
    Environment.Exit(2);
}
var sections = argList.Count == 0 ? all : argList.ToArray();
int[] threadCounts = threads > 1 ? [1, threads] : [1];
double batchSeconds = quick ? 0.05 : 0.25;

Descent.Oracle.LibTorchLoadFix.Apply();
// libtorch accepts its inter-op pool size only before that pool starts, so it is set before anything else runs.
torch.set_num_interop_threads(threads);
ThreadCounts.Set(threads);
string loadBefore = LoadAverage();
var machine = Machine.Describe(quick ? 3 : 7);
var gate = new QuietGate();
var timing = new Timing(gate, seed, batchSeconds) { Batches = 5, MaxRedo = quick ? 1 : 3 };
Console.WriteLine($"machine: {machine.Cpu}, vendor {machine.Vendor}, {machine.LogicalCpus} logical CPUs on {machine.Cores} core(s), {machine.Isa} ({machine.PortsReason}), GEMM path {machine.GemmPath}");
Console.WriteLine($"clock: {machine.ClockGHz:F2} GHz ({machine.ClockSource}); {machine.Runtime}; other side: {machine.OtherSide} " +
    $"(TorchSharp {machine.TorchSharp}, torch.__version__ {machine.LibTorch})");
Console.WriteLine($"libtorch threads: intra-op {torch.get_num_threads()} (set to each row's count), inter-op {torch.get_num_interop_threads()}; " +
    $"thread counts {string.Join(" and ", threadCounts)}; load average {loadBefore}");
Console.WriteLine($"order seed {seed}; quiet gate {(gate.Available ? $"on: others ≤ {100 * gate.OthersCoreFraction:0.#} % of a core and steal ≤ {100 * gate.StealFraction:0.#} % per batch, {timing.MaxRedo} redo(s)" : "unavailable (no /proc): every batch counts as quiet")}");

var peaks = new Dictionary<int, Peak>();
Console.WriteLine();
foreach (int t in threadCounts)
{
    var (median, min, max) = PeakBench.GFlops(t, quick ? 3 : 7);
    peaks[t] = new Peak(median, min, max, machine.TheoreticalPeakGFlops(t));
    Console.WriteLine($"FMA peak, {t} thread(s): measured {median:F1} GFLOP/s (min {min:F1}, max {max:F1}); theoretical {peaks[t].Theoretical:F1} " +
        $"= {Math.Min(t, machine.Cores)} core(s) × {machine.ClockGHz:F2} GHz × 2 × {machine.Lanes} lanes × {machine.FmaPorts} FMA port(s)");
}

if (sections.Contains("dispatch") && threads > 1)
{
    Console.WriteLine();
    Console.WriteLine($"Dispatch of {threads} parts, µs per dispatch (median batch)");
    ThreadCounts.Set(threads);
    foreach (bool busy in new[] { false, true })
    {
        var (pool, pfor, inline) = DispatchBench.Microseconds(threads, quick ? 3 : 7, busy);
        Console.WriteLine($"  {(busy ? "~20 µs parts" : "empty parts "),-13} Descent pool {pool,8:F2}   Parallel.For {pfor,8:F2}   inline {inline,8:F2}");
    }
}

var measuredPeaks = peaks.ToDictionary(p => p.Key, p => p.Value.Median);
var rows = new List<Row>();
void Run(string section, Func<IEnumerable<Row>> cases)
{
    if (!sections.Contains(section)) return;
    Console.WriteLine();
    foreach (var row in cases())
    {
        rows.Add(row);
        string pct = row.PercentOfPeak(measuredPeaks) is double p ? $", {row.DescentGFlops:F1} GFLOP/s = {p:F0} % of peak" : "";
        string met = row.Met(measuredPeaks) is bool m ? $", target {row.Target}: {(m ? "met" : "missed")}" : "";
        Console.WriteLine($"  {section}: {row.Case}, {row.Threads} thr: Descent {row.Descent.MedianUs:F2} µs ({row.Descent.MinUs:F2}-{row.Descent.MaxUs:F2}), " +
            $"libtorch {row.Torch.MedianUs:F2} µs ({row.Torch.MinUs:F2}-{row.Torch.MaxUs:F2}), {row.Speedup:F2}x{pct}{met}; " +
            $"GC pause {row.Descent.GcPauseUsPerCall:F2} / {row.Torch.GcPauseUsPerCall:F2} µs per call; Descent's collections per call " +
            $"{row.Descent.CollectionsPerCall:F3} (gen1 {row.Descent.Gen1CollectionsPerCall:F3}, gen2 {row.Descent.Gen2CollectionsPerCall:F3}); " +
            $"gate {row.Gate.Redone} redone, {row.Gate.Flagged} flagged");
    }
}
Run("sgemm", () => GemmBench.Run(timing, quick ? [64, 256] : [64, 128, 256, 512, 1024, 2048], threadCounts));
Run("tutorial", () => TrainingBench.Tutorial(timing, threadCounts));
Run("op", () => TrainingBench.PerOp(timing, threadCounts));
Run("mlp", () => TrainingBench.Mlp(timing, threadCounts, quick ? [32, 128] : [32, 128, 1024], [1, 1024]));
Run("cnn", () => TrainingBench.Cnn(timing, threadCounts, 64));
Run("transformer", () => SequenceBench.Transformer(timing, threadCounts));
Run("lstm", () => SequenceBench.Lstm(timing, threadCounts));

AllocResult? alloc = null;
if (sections.Contains("alloc"))
{
    ThreadCounts.Set(threads);
    // Warmed 400 steps: until about step 300 the pool still fills (a few fresh buffers while one cycle between
    // collections is not yet covered), which is warm-up, not the steady step.
    alloc = AllocBench.LearnerStep(32, quick ? 20 : 400, quick ? 50 : 500);
}

var gateBySection = rows.GroupBy(r => r.Section).ToDictionary(g => g.Key, g => g.Select(r => r.Gate).Aggregate((a, b) => a + b));
var report = new Report(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), machine.OtherSide, machine,
    new Settings(string.Join(' ', args), sections, threadCounts, quick, batchSeconds, timing.Batches, timing.MaxRedo, seed,
        gate.OthersCoreFraction, gate.StealFraction, gate.Available, torch.get_num_threads(), torch.get_num_interop_threads()),
    peaks, rows.Select(r => new SavedRow(r, r.PercentOfPeak(measuredPeaks), r.Target?.ToString(), r.Met(measuredPeaks))).ToList(),
    alloc, gateBySection, gate.Available && gateBySection.Values.All(g => g.Flagged == 0),
    loadBefore, LoadAverage(), Process.GetCurrentProcess().PeakWorkingSet64, Sink.Value);

string? path = jsonPath ?? (save ? ResultsFolder.NewFile("bench", machine.Cpu) : null);
Console.WriteLine();
Tables.Write(report, path == null ? null : ResultsFolder.Relative(path), Console.Out);
if (path != null)
{
    File.WriteAllText(path, report.ToJson());
    Console.WriteLine($"wrote {path}");
}

string? Option(string name)
{
    int i = argList.IndexOf(name);
    if (i < 0) return null;
    if (i + 1 >= argList.Count) throw new ArgumentException($"bench: {name} needs a value");
    string value = argList[i + 1];
    argList.RemoveRange(i, 2);
    return value;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
