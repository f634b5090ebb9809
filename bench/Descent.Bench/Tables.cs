using System.Globalization;

namespace Descent.Bench;

/// <summary>
/// The README's speed tables (markdown) from a report: the machine, the peak, the model and overhead cases,
/// SGEMM, the allocation figure and the quiet gate, citing the JSON file they come from. A run prints the
/// same tables at its end.
/// </summary>
public static class Tables
{
    public static void Write(Report r, string? source, TextWriter o)
    {
        var m = r.Machine;
        o.WriteLine($"Measured {r.Date} on {m.Cpu}, {m.LogicalCpus} logical CPUs on {m.Cores} core(s), {m.Isa} ({m.PortsReason}); clock {m.ClockGHz:F2} GHz ({m.ClockSource}); "
            + $"{m.Runtime}, Descent GEMM path {m.GemmPath}; the other side is {r.OtherSide}, intra-op threads set to each row's count, "
            + $"inter-op threads {r.Settings.TorchInterOpThreads}.");
        o.WriteLine($"Median of {r.Settings.Batches} batches of ≥ {r.Settings.BatchSeconds:0.###} s per side, sides in a seeded random order (seed {r.Settings.OrderSeed}); "
            + $"range = min-max of the batches; speed-up = TorchSharp median / Descent median; % of peak = Descent's GFLOP/s over the FMA loop's median on that thread count.");
        if (source != null) o.WriteLine($"Source: `{source}` (`dotnet run -c Release --project bench/Descent.Bench -- table {source}`).");
        o.WriteLine();
        o.WriteLine("| threads | FMA peak, measured (min-max) | theoretical |");
        o.WriteLine("|---:|---:|---:|");
        foreach (var (t, p) in r.Peaks.OrderBy(p => p.Key))
            o.WriteLine($"| {t} | {p.Median:F1} GFLOP/s ({p.Min:F1}-{p.Max:F1}) | {p.Theoretical:F1} GFLOP/s |");
        var cases = r.Rows.Where(x => x.Row.Section != "sgemm").ToList();
        if (cases.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("| case | threads | Descent µs (range) | TorchSharp µs (range) | speed-up | Descent GFLOP/s | % of peak | target | met | GC pause µs/call D / T | noisy batches |");
            o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
            foreach (var s in cases) o.WriteLine(Line(s, $"{s.Row.Section}: {s.Row.Case}"));
        }
        var gemm = r.Rows.Where(x => x.Row.Section == "sgemm").ToList();
        if (gemm.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("| SGEMM, n × n | threads | Descent µs (range) | TorchSharp µs (range) | speed-up | Descent GFLOP/s | % of peak | target | met | GC pause µs/call D / T | noisy batches |");
            o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
            foreach (var s in gemm) o.WriteLine(Line(s, s.Row.Case));
        }
        if (r.Alloc is AllocResult a)
        {
            o.WriteLine();
            o.WriteLine($"A steady `Learner.Fit` step (MLP, batch {a.Batch}, {a.Steps} steps): {a.BytesPerStep.ToString("N0", CultureInfo.InvariantCulture)} B from the GC per step "
                + $"(of which the loader's batch {a.LoaderBytesPerBatch.ToString("N0", CultureInfo.InvariantCulture)} B); target ≤ {AllocResult.TargetBytesPerStep:N0} B: {(a.Met ? "met" : "missed")}."
                + (double.IsNaN(a.BytesPerStepAfterBigProducts) ? "" : $" After big products in scopes filled the buffer pool: {a.BytesPerStepAfterBigProducts.ToString("N0", CultureInfo.InvariantCulture)} B per step."));
        }
        o.WriteLine();
        string perSection = string.Join("; ", r.GateBySection.Select(g => $"{g.Key} {g.Value.Redone} redone, {g.Value.Flagged} flagged of {g.Value.Batches}, others ≤ {g.Value.WorstOthersCores:F2} cores, steal ≤ {100 * g.Value.WorstSteal:F1} % in kept batches"));
        o.WriteLine($"Quiet gate ({(r.Settings.GateAvailable ? $"others ≤ {100 * r.Settings.GateOthersCoreFraction:0.#} % of a core, steal ≤ {100 * r.Settings.GateStealFraction:0.#} %, up to {r.Settings.MaxRedo} redos" : "unavailable: no /proc")}): "
            + $"{(r.GatePassed ? "passed" : "failed")}. {perSection}. Load average {r.LoadAverageBefore} before, {r.LoadAverageAfter} after.");
    }

    private static string Line(SavedRow s, string name)
    {
        var x = s.Row;
        string gflops = x.DescentGFlops is double g ? $"{g:F1}" : "—";
        string pct = s.PercentOfPeak is double p ? $"{p:F0} %" : "—";
        string met = s.Met is bool b ? (b ? "met" : "**missed**") : "—";
        return $"| {name} | {x.Threads} | {Us(x.Descent.MedianUs)} ({Us(x.Descent.MinUs)}-{Us(x.Descent.MaxUs)}) | {Us(x.Torch.MedianUs)} ({Us(x.Torch.MinUs)}-{Us(x.Torch.MaxUs)}) "
            + $"| {x.Speedup:F2}× | {gflops} | {pct} | {x.Target?.ToString() ?? "—"} | {met} | {x.Descent.GcPauseUsPerCall:F2} / {x.Torch.GcPauseUsPerCall:F2} | {x.Gate.Redone} redone, {x.Gate.Flagged} flagged |";
    }

    // Three significant figures at least, no more decimals than a microsecond count needs.
    private static string Us(double us) => us switch
    {
        < 10 => us.ToString("F2", CultureInfo.InvariantCulture),
        < 1000 => us.ToString("F1", CultureInfo.InvariantCulture),
        _ => us.ToString("N0", CultureInfo.InvariantCulture),
    };
}
