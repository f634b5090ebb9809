namespace Descent.Bench;

/// <summary>
/// How many of a case's batches the quiet gate had redone, how many stayed noisy after every redo, and the most
/// that other processes (in cores) and steal (as a fraction) took during a kept batch.
/// </summary>
public sealed record GateCount(int Batches, int Redone, int Flagged, double WorstOthersCores, double WorstSteal)
{
    public static GateCount operator +(GateCount a, GateCount b) => new(a.Batches + b.Batches, a.Redone + b.Redone, a.Flagged + b.Flagged,
        Math.Max(a.WorstOthersCores, b.WorstOthersCores), Math.Max(a.WorstSteal, b.WorstSteal));
}

/// <summary>
/// One benchmark row: a case timed in both libraries on one thread count, the FLOPs of its products (null for
/// overhead-bound cases), Descent's GC bytes per call, its target and the quiet gate's count.
/// </summary>
public sealed record Row(string Section, string Case, int Threads, Side Descent, Side Torch, double? Flops,
    long DescentBytes, Target? Target, GateCount Gate)
{
    /// <summary>How many times faster Descent is (libtorch's median / Descent's median).</summary>
    public double Speedup => Torch.MedianUs / Descent.MedianUs;

    /// <summary>Descent's GFLOP/s at its median time, or null where the case has no product FLOPs.</summary>
    public double? DescentGFlops => Flops / Descent.MedianUs / 1e3;

    /// <summary>libtorch's GFLOP/s at its median time.</summary>
    public double? TorchGFlops => Flops / Torch.MedianUs / 1e3;

    /// <summary>Descent's GFLOP/s as a percentage of the FMA peak measured on the same thread count.</summary>
    public double? PercentOfPeak(IReadOnlyDictionary<int, double> peak) =>
        DescentGFlops is double g && peak.TryGetValue(Threads, out var p) ? 100 * g / p : null;

    /// <summary>Whether the target is met; null where the case has none.</summary>
    public bool? Met(IReadOnlyDictionary<int, double> peak) => Target?.Met(Speedup, PercentOfPeak(peak));
}
