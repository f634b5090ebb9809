namespace Descent.Bench;

/// <summary>
/// One library's timings of a case: µs per call of each accepted batch in run order, their median, min and max,
/// and the GC's pause time per call and collections (any, those reaching generation 1, generation 2) in those batches,
/// over <see cref="Calls"/> calls (0 in runs saved before it was recorded).
/// </summary>
public sealed record Side(double[] BatchUs, double MedianUs, double MinUs, double MaxUs, double GcPauseUsPerCall, int Gen0, int Gen1, int Gen2,
    long Calls = 0)
{
    /// <summary>Collections of any generation per call (GC.CollectionCount(0) counts every collection); null where the calls were not recorded.</summary>
    public double? CollectionsPerCall => PerCall(Gen0);

    /// <summary>Collections that reached generation 1 per call.</summary>
    public double? Gen1CollectionsPerCall => PerCall(Gen1);

    /// <summary>Full (generation 2) collections per call: a large-object allocation or a full heap brings one.</summary>
    public double? Gen2CollectionsPerCall => PerCall(Gen2);

    private double? PerCall(int count) => Calls > 0 ? (double)count / Calls : null;

    /// <summary>Summarises per-batch µs per call with the GC figures summed over the same batches.</summary>
    public static Side From(double[] batchUs, TimeSpan gcPause, long calls, int gen0, int gen1, int gen2)
    {
        var sorted = (double[])batchUs.Clone();
        Array.Sort(sorted);
        return new Side(batchUs, sorted[sorted.Length / 2], sorted[0], sorted[^1], gcPause.TotalMicroseconds / calls, gen0, gen1, gen2, calls);
    }
}
