using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Descent.Bench;
using Descent.Kernels;

// Descent side by side with libtorch (TorchSharp-cpu) in one process, same data, same thread count.
// Usage: dotnet run -c Release --project bench/Descent.Bench -- [peak] [dispatch] [sgemm] [tutorial] [op] [mlp] [cnn] [transformer] [lstm]
//        [alloc] [--threads N]
//        profile transformer|gpt|sample SECONDS [--threads N]  (Descent only, for perf record) [--quick] [--json FILE]; no section names runs them all.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var argList = args.ToList();
bool quick = argList.Remove("--quick");
int threads = 2;
int ti = argList.IndexOf("--threads");
if (ti >= 0)
{
    threads = int.Parse(argList[ti + 1], CultureInfo.InvariantCulture);
    argList.RemoveRange(ti, 2);
}
string? jsonPath = null;
int ji = argList.IndexOf("--json");
if (ji >= 0)
{
    jsonPath = argList[ji + 1];
    argList.RemoveRange(ji, 2);
}
// `profile NAME SECONDS` runs one Descent-only loop for a sampling profiler and nothing else.
if (argList.Count == 3 && argList[0] == "profile")
{
    Descent.Bench.ProfileLoops.Run(argList[1], double.Parse(argList[2], CultureInfo.InvariantCulture), threads);
    return;
}
string[] all = ["peak", "dispatch", "sgemm", "tutorial", "op", "mlp", "cnn", "transformer", "lstm", "alloc"];
var sections = argList.Count == 0 ? all.ToList() : argList;
var threadCounts = threads > 1 ? new[] { 1, threads } : new[] { 1 };
double batchSeconds = quick ? 0.05 : 0.25;

Descent.Oracle.LibTorchLoadFix.Apply();
string loadBefore = LoadAverage();
string cpu = Descent.Bench.CpuInfo.Model();
Console.WriteLine($"machine: {cpu}, {Environment.ProcessorCount} cores, GEMM path {Gemm.Path}, threads {threads}, load average {loadBefore}" +
    " (the machine is shared: other processes make every number noisy)");

var peak = new Dictionary<int, double>();
if (sections.Contains("peak"))
{
    foreach (int t in threadCounts) peak[t] = PeakBench.GFlops(t, quick ? 3 : 7);
    Console.WriteLine();
    Console.WriteLine("FMA peak (float32)");
    foreach (int t in threadCounts) Console.WriteLine($"  {t} thread(s): {peak[t],7:F1} GFLOP/s");
}

if (sections.Contains("dispatch") && threads > 1)
{
    Console.WriteLine();
    Console.WriteLine($"Dispatch of {threads} parts, µs per dispatch (best batch)");
    Descent.Threads.Count = threads;
    foreach (bool busy in new[] { false, true })
    {
        var (pool, pfor, inline) = DispatchBench.Microseconds(threads, quick ? 3 : 7, busy);
        Console.WriteLine($"  {(busy ? "~20 µs parts" : "empty parts "),-13} Descent pool {pool,8:F2}   Parallel.For {pfor,8:F2}   inline {inline,8:F2}");
    }
}

var gemm = new List<GemmResult>();
if (sections.Contains("sgemm"))
{
    int[] sizes = quick ? [64, 256, 1024] : [64, 128, 256, 512, 1024, 2048];
    gemm = GemmBench.Run(sizes, threadCounts, quick ? 5 : 25, 0.005);
    Console.WriteLine();
    // The machine's peak does not depend on n, and an FMA loop often catches the other core busy
    // (which can only make it read low, since its clock starts before its threads do): the
    // percentage is of the best any FMA loop on that thread count reached in this run.
    var best = gemm.GroupBy(r => r.Threads).ToDictionary(g => g.Key, g => Math.Max(g.Max(r => r.PeakGFlops), peak.GetValueOrDefault(g.Key)));
    Console.WriteLine("SGEMM C = A·B (n x n), GFLOP/s, best batch; peak = FMA loop run between the batches; % of the run's FMA peak");
    Console.WriteLine($"  {"n",5} {"threads",7} {"Descent",9} {"libtorch",9} {"ratio",6} {"peak",7} {"D % peak",8}");
    foreach (var r in gemm)
        Console.WriteLine($"  {r.N,5} {r.Threads,7} {r.DescentGFlops,9:F1} {r.TorchGFlops,9:F1} {r.DescentGFlops / r.TorchGFlops,6:F2} {r.PeakGFlops,7:F1} {100 * r.DescentGFlops / best[r.Threads],7:F0}%");
    foreach (var (t, p) in best.OrderBy(b => b.Key)) Console.WriteLine($"  FMA peak used on {t} thread(s): {p:F1} GFLOP/s");
}

// The model cases run on the chosen thread count in both libraries.
Descent.Threads.Count = threads;
TorchSharp.torch.set_num_threads(threads);
var rows = new List<Row>();
if (sections.Contains("tutorial")) rows.AddRange(TrainingBench.Tutorial(batchSeconds));
if (sections.Contains("op")) rows.AddRange(TrainingBench.PerOp(batchSeconds));
if (sections.Contains("mlp")) rows.AddRange(TrainingBench.Mlp(quick ? [32, 128] : [32, 128, 1024], [1, 1024], batchSeconds));
if (sections.Contains("cnn")) rows.AddRange(TrainingBench.Cnn(64, batchSeconds));
// The sequence layers run on each thread count (1, then N), both libraries alike; "k thr" in the case names it.
if (sections.Contains("transformer")) rows.AddRange(SequenceBench.Transformer(threadCounts, threads, batchSeconds));
if (sections.Contains("lstm")) rows.AddRange(SequenceBench.Lstm(threadCounts, threads, batchSeconds));
if (rows.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine($"Median of 5 batches after warm-up, µs per call, {threads} thread(s) unless the case says \"k thr\"; speed-up = libtorch / Descent");
    Console.WriteLine($"  {"case",-48} {"Descent",11} {"libtorch",11} {"speed-up",8}");
    foreach (var r in rows)
        Console.WriteLine($"  {r.Section + ": " + r.Case,-48} {r.DescentUs,11:F2} {r.TorchUs,11:F2} {r.Speedup,7:F2}x");
}
long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
if (sections.Contains("alloc") && rows.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("Bytes allocated on the GC heap per call by Descent (GC.GetAllocatedBytesForCurrentThread)");
    foreach (var r in rows) Console.WriteLine($"  {r.Section + ": " + r.Case,-48} {r.DescentBytes,12:N0} B");
    Console.WriteLine($"  process peak working set (both libraries): {peakWorkingSet / (1024.0 * 1024.0):F0} MiB");
}
string loadAfter = LoadAverage();
Console.WriteLine($"load average after: {loadAfter}");

if (jsonPath != null)
{
    var report = new
    {
        machine = $"{cpu}, {Environment.ProcessorCount} cores, GEMM path {Gemm.Path}",
        cpu,
        threads,
        quick,
        loadAverageBefore = loadBefore,
        loadAverageAfter = loadAfter,
        peakGFlops = peak.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
        sgemm = gemm,
        rows = rows.Select(r => new { r.Section, r.Case, r.DescentUs, r.TorchUs, r.Speedup, r.DescentBytes }),
        peakWorkingSetBytes = peakWorkingSet,
    };
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {jsonPath}");
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
