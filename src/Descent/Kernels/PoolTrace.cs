using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// A record of the pool's dispatches for finding where two threads lose time (when each part starts and
/// ends, on which thread, how long the caller waits at the join, and each thread's CPU time beside its wall
/// time, which shows a thread the OS took off its core mid-part). Off unless DESCENT_POOL_TRACE=1 names it
/// at start-up; then <see cref="On"/> is a constant the JIT folds, so the pool's code pays nothing without it.
/// Events go into an array made once; when it is full, later events are dropped.
/// </summary>
/// <example>
/// <code>
/// // DESCENT_POOL_TRACE=1 dotnet run ...
/// PoolTrace.Clear();
/// Gemm.Run(false, false, 512, 512, 512, a, b, c);
/// foreach (var e in PoolTrace.Read()) Console.WriteLine($"{e.WallNs} {e.Kind} part {e.Part} on {e.Thread}");
/// </code>
/// </example>
internal static partial class PoolTrace
{
    /// <summary>Whether the pool records its dispatches (DESCENT_POOL_TRACE=1 at start-up).</summary>
    public static readonly bool On = Environment.GetEnvironmentVariable("DESCENT_POOL_TRACE") == "1";

    /// <summary>What an event marks.</summary>
    public enum Kind { Dispatch, PartStart, PartEnd, JoinStart, JoinEnd, Woken }

    private const int Fields = 4;
    private static readonly long[] Events = On ? new long[Fields * (1 << 20)] : [];
    private static int _count;

    /// <summary>Records <paramref name="kind"/> for <paramref name="part"/> on this thread, with its wall and CPU clocks.</summary>
    public static void Mark(Kind kind, int part)
    {
        int i = Interlocked.Increment(ref _count) - 1;
        if ((long)(i + 1) * Fields > Events.Length) return;
        long at = (long)i * Fields;
        Events[at] = Stopwatch.GetTimestamp();
        Events[at + 1] = ThreadCpuNanoseconds();
        Events[at + 2] = (long)kind << 32 | (uint)part;
        Events[at + 3] = Environment.CurrentManagedThreadId;
    }

    /// <summary>Forgets every event recorded so far.</summary>
    public static void Clear() => Volatile.Write(ref _count, 0);

    /// <summary>
    /// The events recorded so far, in the order they claimed a slot: wall time in ns, the thread's CPU time
    /// in ns, the kind, the part, and the managed thread id.
    /// </summary>
    public static List<(long WallNs, long CpuNs, Kind Kind, int Part, int Thread)> Read()
    {
        int n = Math.Min(Volatile.Read(ref _count), Events.Length / Fields);
        var list = new List<(long, long, Kind, int, int)>(n);
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        for (int i = 0; i < n; i++)
        {
            long at = (long)i * Fields;
            list.Add(((long)(Events[at] * nsPerTick), Events[at + 1], (Kind)(Events[at + 2] >> 32), (int)Events[at + 2], (int)Events[at + 3]));
        }
        return list;
    }

    // CLOCK_THREAD_CPUTIME_ID from Linux's libc; elsewhere the CPU column reads 0.
    private static long ThreadCpuNanoseconds() =>
        OperatingSystem.IsLinux() && ClockGettime(3, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;

    private struct Timespec { public long Seconds, Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec time);
}
