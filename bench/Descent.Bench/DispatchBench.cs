using Descent.Kernels;

namespace Descent.Bench;

/// <summary>
/// What one parallel dispatch of two trivial parts costs: Descent's blocking worker pool against
/// System.Threading.Tasks.Parallel.For, and the same two parts run inline as the floor.
/// </summary>
public static unsafe class DispatchBench
{
    private static long _sink;

    private static void Touch(int part, void* state) => Interlocked.Add(ref _sink, part + 1);

    /// <summary>About 20 µs of dependent arithmetic, the scale of a GEMM part at the threading threshold.</summary>
    private static void Busy(int part, void* state)
    {
        double x = part + 1;
        for (int i = 0; i < 20_000; i++) x = x * 0.999999 + 1e-9;
        Interlocked.Add(ref _sink, (long)x);
    }

    /// <summary>
    /// Microseconds per dispatch (median batch) for the pool, Parallel.For and inline, with trivial
    /// parts (<paramref name="busy"/> false) or parts of about 20 µs each.
    /// </summary>
    public static (double Pool, double ParallelFor, double Inline) Microseconds(int threads, int repeats, bool busy)
    {
        int saved = Descent.Threads.Count;
        Descent.Threads.Count = threads;
        try
        {
            delegate*<int, void*, void> body = busy ? &Busy : &Touch;
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            var pool = Measure.Seconds(() => ParallelPool.Run(threads, body, null), repeats, 0.05);
            var pfor = Measure.Seconds(() => Parallel.For(0, threads, options, p => body(p, null)), repeats, 0.05);
            var inline = Measure.Seconds(() => { for (int p = 0; p < threads; p++) body(p, null); }, repeats, 0.05);
            return (pool * 1e6, pfor * 1e6, inline * 1e6);
        }
        finally
        {
            Descent.Threads.Count = saved;
        }
    }
}
