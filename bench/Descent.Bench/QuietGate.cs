using System.Diagnostics;
using System.Globalization;

namespace Descent.Bench;

/// <summary>
/// Whether the machine stayed quiet during one batch: the CPU time other processes used (all CPUs' busy time
/// in /proc/stat minus this process's utime + stime from /proc/self/stat) and the time the hypervisor stole.
/// A batch is noisy when others used more than <see cref="OthersCoreFraction"/> of one core over its wall time,
/// or steal exceeded <see cref="StealFraction"/> of all CPUs' time. Both files count in clock ticks (USER_HZ,
/// 100 a second on Linux) and are sampled at different moments, so one tick of rounding is allowed.
/// </summary>
public sealed class QuietGate
{
    private const double TicksPerSecond = 100;
    private const double RoundingTicks = 1;

    /// <summary>Others' CPU time allowed per batch, as a fraction of one core over the batch's wall time.</summary>
    public double OthersCoreFraction { get; init; } = 0.05;

    /// <summary>Steal allowed per batch, as a fraction of all CPUs' time.</summary>
    public double StealFraction { get; init; } = 0.01;

    /// <summary>False where /proc is missing (not Linux): every batch then counts as quiet and the report says so.</summary>
    public bool Available { get; } = File.Exists("/proc/stat") && File.Exists("/proc/self/stat");

    /// <summary>A reading taken before and after a batch.</summary>
    public readonly record struct Sample(long Busy, long Steal, long Total, long Self, long Timestamp);

    /// <summary>What one batch saw: others' share of a core, steal's share of all CPUs, and whether that passes.</summary>
    public readonly record struct Verdict(double OthersCores, double Steal, bool Quiet);

    public Sample Read()
    {
        if (!Available) return new Sample(0, 0, 0, 0, Stopwatch.GetTimestamp());
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long F(int i) => long.Parse(cpu[i], CultureInfo.InvariantCulture);
        long busy = F(1) + F(2) + F(3) + F(6) + F(7);
        long total = busy + F(4) + F(5) + F(8);
        // /proc/self/stat: the fields after the command name's closing parenthesis start at field 3 (state);
        // utime and stime are fields 14 and 15, counted over all of this process's threads.
        string self = File.ReadAllText("/proc/self/stat");
        var fields = self[(self.LastIndexOf(')') + 2)..].Split(' ');
        long own = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new Sample(busy, F(8), total, own, Stopwatch.GetTimestamp());
    }

    public Verdict Judge(Sample before, Sample after)
    {
        if (!Available) return new Verdict(0, 0, true);
        double seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        double othersTicks = Math.Max(0, (after.Busy - before.Busy) - (after.Self - before.Self));
        double stealTicks = after.Steal - before.Steal;
        double totalTicks = Math.Max(1, after.Total - before.Total);
        double othersCores = othersTicks / TicksPerSecond / seconds;
        double steal = stealTicks / totalTicks;
        bool quiet = othersTicks <= OthersCoreFraction * seconds * TicksPerSecond + RoundingTicks
            && stealTicks <= StealFraction * totalTicks + RoundingTicks;
        return new Verdict(othersCores, steal, quiet);
    }
}
