using System.Diagnostics;

namespace Descent.Bench;

/// <summary>
/// Times a case in both libraries: warm-up past .NET's tiering, then <see cref="Batches"/> rounds, each a batch
/// of calls per library in a seeded random order (so neither always runs on the cooler or warmer machine), each
/// batch long enough to time microsecond calls. A round the <see cref="QuietGate"/> finds noisy is redone up to
/// <see cref="MaxRedo"/> times, then kept and flagged. Per side: median, min and max of the batches' µs per
/// call, GC pause and collections; Descent's GC bytes per call.
/// </summary>
public sealed class Timing(QuietGate gate, int seed, double batchSeconds)
{
    private readonly Random _order = new(seed);

    public int Batches { get; init; } = 5;

    public int MaxRedo { get; init; } = 3;

    public double BatchSeconds => batchSeconds;

    /// <remarks>
    /// <paramref name="settleHeap"/> empties the GC heap before each side's batch, outside its timing (a full collection,
    /// the finalizers, another collection), so each side's collections meet only its own garbage. For overhead-bound
    /// cases: TorchSharp's tensor wrappers are finalizable, each call leaves some that survive a collection, and a
    /// collection that Descent's allocations started in its own batch would otherwise promote the other side's
    /// (measured on a Zen 3: gen1 collections promoting 1.5-2.4 MB each, against gen0 collections promoting nothing
    /// when Descent runs alone), which made the 1-element add's batches bimodal.
    /// </remarks>
    public Row Compare(string section, string name, int threads, Action descent, Action torch, double? flops, Target? target, int warmup = 3,
        bool settleHeap = false)
    {
        // A second and 100 calls of warm-up at least (up to 3 s for slow calls): tiered compilation instruments
        // hot methods after their first 30 calls and recompiles them with that profile on a background thread a
        // little later, and the GC sizes its budgets to the program's allocation rate; a case timed first in a
        // process read up to 7x slow in its first batches with half a second.
        double warmSeconds = Math.Max(1.0, 2 * batchSeconds);
        WarmUp(descent, warmup, warmSeconds);
        WarmUp(torch, warmup, warmSeconds);
        int dCalls = Calls(descent), tCalls = Calls(torch);
        var d = new Accumulator(Batches);
        var t = new Accumulator(Batches);
        long bytes = 0;
        int redone = 0, flagged = 0;
        double worstOthers = 0, worstSteal = 0;
        for (int r = 0; r < Batches; r++)
        {
            for (int attempt = 0; ; attempt++)
            {
                bool descentFirst = _order.Next(2) == 0;
                var before = gate.Read();
                if (settleHeap) Settle();
                var first = descentFirst ? Batch(descent, dCalls, measureBytes: true) : Batch(torch, tCalls, measureBytes: false);
                if (settleHeap) Settle();
                var second = descentFirst ? Batch(torch, tCalls, measureBytes: false) : Batch(descent, dCalls, measureBytes: true);
                var verdict = gate.Judge(before, gate.Read());
                if (!verdict.Quiet && attempt < MaxRedo)
                {
                    redone++;
                    continue;
                }
                if (!verdict.Quiet) flagged++;
                worstOthers = Math.Max(worstOthers, verdict.OthersCores);
                worstSteal = Math.Max(worstSteal, verdict.Steal);
                var (ours, theirs) = descentFirst ? (first, second) : (second, first);
                d.Add(r, ours);
                t.Add(r, theirs);
                bytes = ours.Bytes / dCalls;
                break;
            }
        }
        return new Row(section, name, threads, d.ToSide(), t.ToSide(), flops, bytes, target, new GateCount(Batches, redone, flagged, worstOthers, worstSteal));
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private readonly record struct BatchResult(double UsPerCall, long Calls, TimeSpan Pause, int Gen0, int Gen1, int Gen2, long Bytes);

    private sealed class Accumulator(int batches)
    {
        private readonly double[] _us = new double[batches];
        private TimeSpan _pause;
        private long _calls;
        private int _gen0, _gen1, _gen2;

        public void Add(int index, BatchResult b)
        {
            _us[index] = b.UsPerCall;
            _pause += b.Pause;
            _calls += b.Calls;
            _gen0 += b.Gen0;
            _gen1 += b.Gen1;
            _gen2 += b.Gen2;
        }

        public Side ToSide() => Side.From(_us, _pause, _calls, _gen0, _gen1, _gen2);
    }

    private const int WarmCalls = 100;
    private const double MaxWarmSeconds = 3.0;

    private static void WarmUp(Action action, int calls, double seconds)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls || sw.Elapsed.TotalSeconds < seconds || (i < WarmCalls && sw.Elapsed.TotalSeconds < MaxWarmSeconds); i++) action();
    }

    private int Calls(Action action)
    {
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalSeconds < batchSeconds / 4 || calls < 2)
        {
            action();
            calls++;
        }
        return Math.Max(1, (int)(calls * batchSeconds / sw.Elapsed.TotalSeconds));
    }

    private static BatchResult Batch(Action action, int calls, bool measureBytes)
    {
        var pause = GC.GetTotalPauseDuration();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long bytes = measureBytes ? GC.GetAllocatedBytesForCurrentThread() : 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++) action();
        double us = sw.Elapsed.TotalMicroseconds / calls;
        bytes = measureBytes ? GC.GetAllocatedBytesForCurrentThread() - bytes : 0;
        return new BatchResult(us, calls, GC.GetTotalPauseDuration() - pause,
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, bytes);
    }
}
