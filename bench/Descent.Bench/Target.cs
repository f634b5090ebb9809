namespace Descent.Bench;

/// <summary>
/// A case's target from issue 15: a speed-up over TorchSharp, a share of the measured FMA peak, or both
/// (<see cref="Both"/>) or either (the model cases: 1.5× unless that would exceed 85 % of the peak end to end).
/// </summary>
public sealed record Target(double? Speedup, double? PercentOfPeak, bool Both)
{
    /// <summary>Training and inference: ≥ 1.5× or ≥ 85 % of the peak.</summary>
    public static readonly Target Model = new(1.5, 85, Both: false);

    /// <summary>The tutorial's step, overhead-bound: ≥ 40×.</summary>
    public static readonly Target Tutorial = new(40, null, Both: false);

    /// <summary>A 1-element add, overhead-bound: ≥ 25×.</summary>
    public static readonly Target TinyOp = new(25, null, Both: false);

    /// <summary>SGEMM for n ≥ 128: ≥ 1.0× on 1 and 2 threads; on 1 thread from n = 256 also ≥ 90 % of the measured peak.</summary>
    public static Target? Sgemm(int n, int threads) =>
        n < 128 ? null : threads == 1 && n >= 256 ? new(1.0, 90, Both: true) : new(1.0, null, Both: false);

    public bool Met(double speedup, double? percentOfPeak)
    {
        bool bySpeed = Speedup is double s && speedup >= s;
        bool byPeak = PercentOfPeak is double p && percentOfPeak is double got && got >= p;
        return Both ? bySpeed && byPeak : bySpeed || byPeak;
    }

    public override string ToString()
    {
        string speed = Speedup is double s ? $"≥ {s:0.#}×" : "";
        string peak = PercentOfPeak is double p ? $"≥ {p:0} % peak" : "";
        return speed.Length > 0 && peak.Length > 0 ? $"{speed} {(Both ? "and" : "or")} {peak}" : speed + peak;
    }
}
