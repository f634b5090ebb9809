using System.Diagnostics;
using System.Diagnostics.Tracing;
using Descent.Kernels;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Bench;

/// <summary>
/// What the GC does during one benchmark case's Descent calls, Descent only: per call, the collections of each
/// generation, the bytes allocated on the GC heap and the pause; per collection, its reason and generation (from the
/// runtime's own GC events, read in process), what it promoted and whether it compacted; and the step arena's and
/// buffer pool's counters (buffers recycled, released to the GC, forced collections, fresh buffers, evictions), and how often
/// the thread pool's workers went to sleep (each sleep costs the next dispatch a wake-up).
/// The cases are the benchmark's, built from the same seeds and called as <see cref="Steps.Descent"/> calls them.
/// </summary>
public static class GcProbe
{
    /// <summary>Runs <paramref name="name"/> (<c>mlp1024</c>, <c>cnn</c>, <c>transformer</c>, <c>lstm</c>, <c>matmul1024</c>, <c>matmul2048</c>, <c>add</c>, <c>addgrad</c>) <paramref name="calls"/> times after a warm-up and prints the figures.</summary>
    public static void Run(string name, int calls, int threads)
    {
        Threads.Count = threads;
        Action call = name switch
        {
            "mlp1024" => MlpStep(1024),
            "mlp128" => MlpStep(128),
            "cnn" => CnnStep(),
            "transformer" => TransformerStep(),
            "lstm" => LstmStep(),
            "matmul1024" => MatMul(1024),
            "matmul2048" => MatMul(2048),
            "add" => TinyAdd(grad: false),
            "addgrad" => TinyAdd(grad: true),
            _ => throw new ArgumentException($"gc: unknown case '{name}'; expected mlp1024, mlp128, cnn, transformer, lstm, matmul1024, matmul2048, add or addgrad"),
        };
        // GCPROBE_INPLACE=1 (matmul cases): the allocating call against Gemm.Run into one array, ABBA in this process.
        // GCPROBE_MANUAL=k: the cost of one collection made by hand every k calls, on this thread's processor clock.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 100 || warm.Elapsed.TotalSeconds < 2; i++) call();
        using var listener = new GcEvents();
        var arena0 = StepArena.Counters;
        long fresh0 = ScratchPool.FreshBuffers, evicted0 = ScratchPool.EvictedBuffers, sleeps0 = ParallelPool.Sleeps;
        int[] gen0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var pause0 = GC.GetTotalPauseDuration();
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var seen = new List<string>();
        long lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        for (int i = 0; i < calls; i++)
        {
            call();
            var last = GC.GetGCMemoryInfo(GCKind.Any);
            if (last.Index == lastIndex || seen.Count >= 6) continue;
            lastIndex = last.Index;
            seen.Add($"call {i}: gen{last.Generation} #{last.Index}, pause {last.PauseDurations[0].TotalMicroseconds:F0} µs, {(last.Compacted ? "compacted" : "swept")}, " +
                $"promoted {last.PromotedBytes / 1024} KiB, pinned {last.PinnedObjectsCount}, gen0 before {last.GenerationInfo[0].SizeBeforeBytes / 1024} KiB, gen1 before {last.GenerationInfo[1].SizeBeforeBytes / 1024} KiB, fragmented {last.FragmentedBytes / 1024} KiB");
        }
        double us = clock.Elapsed.TotalMicroseconds / calls;
        double cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / calls;
        double pauseUs = (GC.GetTotalPauseDuration() - pause0).TotalMicroseconds / calls;
        double bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes0) / calls;
        var arena = StepArena.Counters;
        double[] perCall = new[] { 0, 1, 2 }.Select(g => (double)(GC.CollectionCount(g) - gen0[g]) / calls).ToArray();
        Console.WriteLine($"gc {name}, {threads} thread(s), {calls} calls: {us:F1} µs per call ({cpuUs:F1} µs of processor time), GC pause {pauseUs:F2} µs per call, " +
            $"{bytes:F0} B allocated per call");
        Console.WriteLine($"  collections per call: gen0 {perCall[0]:F3}, gen1 {perCall[1]:F3}, gen2 {perCall[2]:F3} (each count includes the older generations' collections)");
        Console.WriteLine($"  step arena: {arena.Recycled - arena0.Recycled} buffers recycled, {arena.Released - arena0.Released} released to the GC, " +
            $"{arena.ForcedCollections - arena0.ForcedCollections} forced collections; pending now {arena.Pending} ({arena.PendingBytes / 1024} KiB); " +
            $"pool: {ScratchPool.FreshBuffers - fresh0} fresh buffers, {ScratchPool.EvictedBuffers - evicted0} evicted, {ScratchPool.PooledFloats * 4 / 1024} KiB free; " +
            $"the thread pool's workers slept {ParallelPool.Sleeps - sleeps0} times");
        listener.Print(calls);
        foreach (var line in seen) Console.WriteLine("  " + line);
        if (Environment.GetEnvironmentVariable("GCPROBE_INPLACE") is not null && name.StartsWith("matmul", StringComparison.Ordinal))
            InPlaceVersusAllocating(call, int.Parse(name["matmul".Length..], System.Globalization.CultureInfo.InvariantCulture), calls);
        if (Environment.GetEnvironmentVariable("GCPROBE_MANUAL") is string every) ManualCollect(call, int.Parse(every, System.Globalization.CultureInfo.InvariantCulture), calls);
        foreach (int generation in new[] { 0, 1, 2 })
        {
            var (wall, cpu) = CollectCost(generation);
            Console.WriteLine($"  a forced gen{generation} collection on this heap, nothing to find: {wall:F1} µs ({cpu:F1} µs of processor time), median of 31");
        }
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine($"  heap {info.HeapSizeBytes / 1024} KiB, committed {info.TotalCommittedBytes / 1024} KiB, " +
            $"generations {string.Join(", ", info.GenerationInfo.ToArray().Select(g => $"{g.SizeAfterBytes / 1024} KiB"))} (gen0, gen1, gen2, LOH, POH after the last collection)");
    }

    // MatMul's allocating call against the same product written into one array (the sgemm section's in-place case),
    // ABBA rounds, median of this thread's processor time and of the wall clock per call.
    private static void InPlaceVersusAllocating(Action allocating, int n, int calls)
    {
        var gen = new Generator(7);
        var a = Tensor.Randn([n, n], gen).ToArray();
        var b = Tensor.Randn([n, n], gen).ToArray();
        var c = new float[n * n];
        Action inPlace = () => { Gemm.Run(false, false, n, n, n, a, b, c); Sink.Consume(c); };
        for (int i = 0; i < 20; i++) inPlace();
        Action[] sides = [allocating, inPlace];
        var cpu = new[] { new List<double>(), new List<double>() };
        var wall = new[] { new List<double>(), new List<double>() };
        for (int round = 0; round < 8; round++)
        {
            foreach (int k in round % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
            {
                double c0 = ThreadCpuUs();
                long w0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++) sides[k]();
                wall[k].Add(Stopwatch.GetElapsedTime(w0).TotalMicroseconds / calls);
                cpu[k].Add((ThreadCpuUs() - c0) / calls);
            }
        }
        Console.WriteLine($"  MatMul (allocating): {Median(cpu[0]):F0} µs of this thread's processor time, {Median(wall[0]):F0} µs wall; " +
            $"Gemm.Run in place: {Median(cpu[1]):F0} µs, {Median(wall[1]):F0} µs wall (medians of 8 ABBA rounds of {calls})");
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return (v[(v.Count - 1) / 2] + v[v.Count / 2]) / 2;
    }

    // A collection made by hand every k calls, timed on this thread's processor clock (a workstation GC that a
    // thread induces runs on that thread), which other processes' load does not inflate the way it does the wall
    // clock. Collected every call or every few, the step arena never reaches its own threshold, so these are the
    // only collections, and each scope end after one recycles what it showed dead.
    private static void ManualCollect(Action call, int every, int calls)
    {
        foreach (int gen in new[] { 1, 0, 1, 0 })
        {
            var cost = new List<double>();
            var wall = new List<double>();
            for (int i = 0; i < calls; i++)
            {
                call();
                if ((i + 1) % every != 0) continue;
                double t0 = ThreadCpuUs();
                long w0 = Stopwatch.GetTimestamp();
                GC.Collect(gen, GCCollectionMode.Forced, blocking: true);
                wall.Add(Stopwatch.GetElapsedTime(w0).TotalMicroseconds);
                cost.Add(ThreadCpuUs() - t0);
                using (new StepScope()) { }
            }
            Console.WriteLine($"  gen{gen} collection by hand every {every} calls: {Median(cost):F1} µs of this thread's processor time (min {cost.Min():F1}), " +
                $"wall {Median(wall):F1} µs (min {wall.Min():F1}), median of {cost.Count}; {Median(cost) / every:F1} µs per call");
        }
        // The same collection after the caches were only flushed (48 MiB streamed twice, nothing allocated), and
        // after a few hundred small arrays with the caches warm.
        var flush = new float[12 << 20];
        var flushed = new List<double>();
        var warm = new List<double>();
        var keep = new object[1];
        for (int i = 0; i < 31; i++)
        {
            Array.Fill(flush, i);
            Array.Clear(flush);
            double t0 = ThreadCpuUs();
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            flushed.Add(ThreadCpuUs() - t0);
            for (int j = 0; j < 300; j++) keep[0] = new float[8];
            t0 = ThreadCpuUs();
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            warm.Add(ThreadCpuUs() - t0);
        }
        Console.WriteLine($"  gen1 collection after streaming 48 MiB, nothing allocated: {Median(flushed):F1} µs of this thread's processor time; " +
            $"after 300 small arrays, caches warm: {Median(warm):F1} µs");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static double ThreadCpuUs()
    {
        ClockGetTime(3, out var t);   // CLOCK_THREAD_CPUTIME_ID
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }

    private static (double Wall, double Cpu) CollectCost(int generation)
    {
        var wall = new double[31];
        var cpu = new double[31];
        for (int i = 0; i < wall.Length; i++)
        {
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            GC.Collect(generation, GCCollectionMode.Forced, blocking: true);
            wall[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            cpu[i] = (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMicroseconds;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[15], cpu[15]);
    }

    private static Action MlpStep(int batch)
    {
        var gen = new Generator(1);
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        var x = Tensor.Randn([batch, 784], gen);
        var labels = Tensor.RandInt(0, 10, [batch], gen);
        var lossFn = new CrossEntropyLoss();
        return Steps.Descent(new SGD(model.Parameters(), lr: 0.01, momentum: 0.9), () => lossFn.Forward(model.Forward(x), labels), model.Parameters().First());
    }

    private static Action CnnStep()
    {
        var gen = new Generator(2);
        var model = new Sequential(new Conv2d(1, 8, 3, generator: gen), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, generator: gen), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(16 * 5 * 5, 10, generator: gen));
        var x = Tensor.Randn([64, 1, 28, 28], gen);
        var labels = Tensor.RandInt(0, 10, [64], gen);
        var lossFn = new CrossEntropyLoss();
        return Steps.Descent(new Adam(model.Parameters(), lr: 1e-3), () => lossFn.Forward(model.Forward(x), labels), model.Parameters().First());
    }

    private static Action TransformerStep()
    {
        var gen = new Generator(11);
        var layer = new TransformerEncoderLayer(128, 4, dimFeedforward: 512, dropout: 0f, normFirst: true, batchFirst: true, generator: gen);
        var x = Tensor.Randn([12, 64, 128], gen);
        var target = Tensor.Randn([12, 64, 128], gen);
        var lossFn = new MSELoss();
        return Steps.Descent(new AdamW(layer.Parameters(), lr: 1e-3, weightDecay: 0.01), () => lossFn.Forward(layer.Forward(x), target), layer.Parameters().First());
    }

    private static Action LstmStep()
    {
        var gen = new Generator(12);
        var lstm = new LSTM(64, 128, generator: gen);
        var x = Tensor.Randn([64, 32, 64], gen);
        var target = Tensor.Randn([64, 32, 128], gen);
        var lossFn = new MSELoss();
        return Steps.Descent(new AdamW(lstm.Parameters(), lr: 1e-3, weightDecay: 0.01), () => lossFn.Forward(lstm.Forward(x), target), lstm.Parameters().First());
    }

    // The op section's 1-element add, as it sinks it. GCPROBE_TORCH=1 pairs every call with the libtorch side's call
    // (TorchSharp's add in a dispose scope), so the collections show what the two sides' garbage costs together.
    private static Action TinyAdd(bool grad)
    {
        var a = grad ? Tensor.Scalar(1f).RequireGrad() : Tensor.Scalar(1f);
        var b = Tensor.Scalar(2f);
        if (Environment.GetEnvironmentVariable("GCPROBE_TORCH") is null) return () => Sink.Consume(a.Add(b));
        Descent.Oracle.LibTorchLoadFix.Apply();
        var ta = grad ? TorchSharp.torch.tensor(1f).requires_grad_() : TorchSharp.torch.tensor(1f);
        var tb = TorchSharp.torch.tensor(2f);
        return () =>
        {
            Sink.Consume(a.Add(b));
            using var scope = TorchSharp.torch.NewDisposeScope();
            Sink.Consume(ta.add(tb));
        };
    }

    // The sgemm section's allocating case: a new n × n result per call, no scope, one element sunk.
    private static Action MatMul(int n)
    {
        var gen = new Generator(7);
        var a = Tensor.Randn([n, n], gen);
        var b = Tensor.Randn([n, n], gen);
        return () => Sink.Consume(a.MatMul(b));
    }

    /// <summary>The runtime's GC events, heard in process: each collection's generation, reason and type, and what the heap statistics say it promoted.</summary>
    private sealed class GcEvents : EventListener
    {
        private readonly object _gate = new();
        private readonly Dictionary<(int Depth, string Reason), int> _byReason = [];
        private long _promoted;
        private int _stats;
        private bool _on;

        public GcEvents() => _on = true;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, (EventKeywords)1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!_on || e.Payload is null) return;
            lock (_gate)
            {
                if (e.EventName == "GCStart_V2")
                {
                    int depth = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Depth")]);
                    string reason = Reason(Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Reason")]));
                    _byReason[(depth, reason)] = _byReason.GetValueOrDefault((depth, reason)) + 1;
                }
                else if (e.EventName == "GCHeapStats_V2")
                {
                    var names = e.PayloadNames!;
                    _promoted += Convert.ToInt64(e.Payload[names.IndexOf("TotalPromotedSize0")]) + Convert.ToInt64(e.Payload[names.IndexOf("TotalPromotedSize1")]);
                    _stats++;
                }
            }
        }

        // The runtime's gc_reason values (gcinterface.h) that a step can meet.
        private static string Reason(int r) => r switch
        {
            0 => "small-object allocation",
            1 => "induced",
            2 => "low memory",
            3 => "empty",
            4 => "large-object allocation",
            5 => "out of space (small objects)",
            6 => "out of space (large objects)",
            7 => "induced, not forced",
            _ => $"reason {r}",
        };

        public void Print(int calls)
        {
            // The events arrive on the listener's thread a little after the fact.
            Thread.Sleep(1500);
            lock (_gate)
            {
                _on = false;
                foreach (var ((depth, reason), count) in _byReason.OrderBy(p => p.Key.Depth))
                    Console.WriteLine($"  gen{depth} collections, {reason}: {count} ({(double)count / calls:F3} per call)");
                if (_stats > 0)
                    Console.WriteLine($"  promoted out of gen0 and gen1: {_promoted / _stats / 1024.0:F1} KiB per collection ({_stats} collections' heap statistics)");
            }
        }
    }
}
