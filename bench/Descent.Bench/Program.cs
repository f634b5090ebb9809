using System.Globalization;
using Descent.Bench;
using Descent.Kernels;

// Descent side by side with libtorch (TorchSharp-cpu) in one process.
// Usage: dotnet run -c Release --project bench/Descent.Bench -- [peak] [dispatch] [sgemm] [--threads N] [--quick];
// no section names runs them all.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var argList = args.ToList();
bool quick = argList.Remove("--quick");
int maxThreads = Environment.ProcessorCount;
int ti = argList.IndexOf("--threads");
if (ti >= 0)
{
    maxThreads = int.Parse(argList[ti + 1], CultureInfo.InvariantCulture);
    argList.RemoveRange(ti, 2);
}
var sections = argList.Count == 0 ? new List<string> { "peak", "dispatch", "sgemm" } : argList;
var threadCounts = maxThreads > 1 ? new[] { 1, maxThreads } : new[] { 1 };

Descent.Oracle.LibTorchLoadFix.Apply();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, GEMM path {Gemm.Path}, load average {LoadAverage()}");

var peak = new Dictionary<int, double>();
if (sections.Contains("peak"))
{
    foreach (int t in threadCounts) peak[t] = PeakBench.GFlops(t, quick ? 3 : 7);
    Console.WriteLine();
    Console.WriteLine("FMA peak (float32)");
    foreach (int t in threadCounts) Console.WriteLine($"  {t} thread(s): {peak[t],7:F1} GFLOP/s");
}

if (sections.Contains("dispatch") && maxThreads > 1)
{
    Console.WriteLine();
    Console.WriteLine($"Dispatch of {maxThreads} parts, µs per dispatch (best batch)");
    foreach (bool busy in new[] { false, true })
    {
        var (pool, pfor, inline) = DispatchBench.Microseconds(maxThreads, quick ? 3 : 7, busy);
        Console.WriteLine($"  {(busy ? "~20 µs parts" : "empty parts "),-13} Descent pool {pool,8:F2}   Parallel.For {pfor,8:F2}   inline {inline,8:F2}");
    }
}

if (sections.Contains("sgemm"))
{
    int[] sizes = quick ? [64, 256, 1024] : [64, 128, 256, 512, 1024, 2048];
    var results = GemmBench.Run(sizes, threadCounts, quick ? 5 : 25, 0.005);
    Console.WriteLine();
    Console.WriteLine("SGEMM C = A·B (n x n), GFLOP/s, best batch; peak = FMA loop run between the batches");
    Console.WriteLine($"  {"n",5} {"threads",7} {"Descent",9} {"libtorch",9} {"ratio",6} {"peak",7} {"D % peak",8}");
    foreach (var r in results)
        Console.WriteLine($"  {r.N,5} {r.Threads,7} {r.DescentGFlops,9:F1} {r.TorchGFlops,9:F1} {r.DescentGFlops / r.TorchGFlops,6:F2} {r.PeakGFlops,7:F1} {100 * r.DescentGFlops / r.PeakGFlops,7:F0}%");
}
Console.WriteLine($"load average after: {LoadAverage()}");

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
