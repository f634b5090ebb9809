using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// One optimizer's element-wise update, applied to a vector of lanes at a time. A rule sees the
/// parameter, its gradient and up to three state buffers (unused ones hold scratch lanes).
/// </summary>
internal interface IUpdateRule
{
    void Apply(ref Vector<float> param, Vector<float> grad, ref Vector<float> s0, ref Vector<float> s1, ref Vector<float> s2);

    /// <summary>
    /// Whether the rule also has <see cref="ApplyWide"/>, the same arithmetic on 16 lanes, which the kernel then
    /// runs where the CPU has 512-bit vectors (<see cref="Vector{T}"/> stays 256 bits wide there).
    /// </summary>
    static virtual bool HasWide => false;

    /// <summary>
    /// <see cref="Apply"/> on 512-bit vectors, lane for lane the same operations; called only when
    /// <see cref="HasWide"/> is true, so a rule without it keeps this body, which is never reached.
    /// </summary>
    void ApplyWide(ref Vector512<float> param, Vector512<float> grad, ref Vector512<float> s0, ref Vector512<float> s1, ref Vector512<float> s2) =>
        throw new NotSupportedException($"{GetType().Name} has no 512-bit update");
}

/// <summary>
/// Runs an <see cref="IUpdateRule"/> over spans in one pass, so an update needs no temporaries. The
/// rule is a struct, so the JIT specializes and inlines it. The tail shorter than a vector goes
/// through the same rule on zero-padded lanes, so there is one formula per optimizer, not two.
/// </summary>
internal static unsafe class OptimizerUpdateKernel
{
    /// <summary>
    /// Below this many elements an update runs on the calling thread; above, the spans are cut into
    /// one contiguous range per thread. An update is memory-bound (it streams the parameter, its
    /// gradient and its state), and two cores stream more than one. Each element's arithmetic is the
    /// same whichever range it falls in, so the split never changes a result.
    /// </summary>
    internal const int ElementsPerThread = 32 * 1024;

    private struct Job<TRule> where TRule : unmanaged, IUpdateRule
    {
        public TRule Rule;
        public float* Param, Grad, S0, S1, S2;
        public int Length, Parts;
    }

    public static void Run<TRule>(in TRule rule, Span<float> param, ReadOnlySpan<float> grad,
        Span<float> s0, Span<float> s1, Span<float> s2) where TRule : unmanaged, IUpdateRule
    {
        int parts = ParallelPartition.Parts(param.Length, ElementsPerThread, int.MaxValue);
        if (parts == 1)
        {
            RunRange(rule, param, grad, s0, s1, s2);
            return;
        }
        fixed (float* p = param, g = grad, a = s0, b = s1, c = s2)
        {
            var job = new Job<TRule> { Rule = rule, Param = p, Grad = g, S0 = a, S1 = b, S2 = c, Length = param.Length, Parts = parts };
            ParallelPool.Run(parts, &Part<TRule>, &job);
        }
    }

    private static void Part<TRule>(int part, void* state) where TRule : unmanaged, IUpdateRule
    {
        ref var job = ref *(Job<TRule>*)state;
        // Ranges start on cache-line boundaries, so two threads never write the same line.
        var (start, end) = ParallelPartition.Range(job.Length, job.Parts, part, 16);
        int length = end - start;
        if (length <= 0) return;
        RunRange(job.Rule, new Span<float>(job.Param + start, length), new ReadOnlySpan<float>(job.Grad + start, length),
            Slice(job.S0, start, length), Slice(job.S1, start, length), Slice(job.S2, start, length));
    }

    private struct BatchJob
    {
        public nint Segments;
        public int Count, Total, Parts;
    }

    /// <summary>
    /// Runs every segment (one parameter, its gradient, its state and its own rule) as one job: the
    /// parameters are laid end to end, the whole length is cut into one range per thread, and each range
    /// walks the segments it covers. A step of many small parameters then pays one dispatch per group, not
    /// one per parameter, and small ones that would each run on one thread are shared out. Every element
    /// goes through its own segment's rule whichever range holds it, so the bits are those of
    /// <see cref="Run"/> per parameter.
    /// </summary>
    public static void RunAll<TRule>(UpdateSegment<TRule>[] segments, int count) where TRule : unmanaged, IUpdateRule
    {
        long total = 0;
        for (int i = 0; i < count; i++) total += segments[i].Length;
        if (total > int.MaxValue) throw new ArgumentException($"OptimizerUpdateKernel: {total} elements in one group exceed one job's {int.MaxValue}");
        int parts = ParallelPartition.Parts(total, ElementsPerThread, int.MaxValue);
        if (parts == 1)
        {
            for (int i = 0; i < count; i++) RunSegment(segments[i], 0, segments[i].Length);
            return;
        }
        // The array travels to the workers by handle: the job lives on this stack and holds no references.
        var handle = GCHandle.Alloc(segments);
        try
        {
            var job = new BatchJob { Segments = GCHandle.ToIntPtr(handle), Count = count, Total = (int)total, Parts = parts };
            ParallelPool.Run(parts, &BatchPart<TRule>, &job);
        }
        finally
        {
            handle.Free();
        }
    }

    private static void BatchPart<TRule>(int part, void* state) where TRule : unmanaged, IUpdateRule
    {
        ref var job = ref *(BatchJob*)state;
        var segments = (UpdateSegment<TRule>[])GCHandle.FromIntPtr(job.Segments).Target!;
        var (start, end) = ParallelPartition.Range(job.Total, job.Parts, part, 16);
        int at = 0;
        for (int i = 0; i < job.Count && at < end; i++)
        {
            int length = segments[i].Length;
            int from = Math.Max(start, at), to = Math.Min(end, at + length);
            if (from < to) RunSegment(segments[i], from - at, to - from);
            at += length;
        }
    }

    private static void RunSegment<TRule>(in UpdateSegment<TRule> s, int start, int length) where TRule : unmanaged, IUpdateRule
    {
        if (length <= 0) return;
        RunRange(s.Rule, s.Param.AsSpan(s.ParamOffset + start, length), s.Grad.AsSpan(s.GradOffset + start, length),
            s.S0 == null ? default : s.S0.AsSpan(start, length), s.S1 == null ? default : s.S1.AsSpan(start, length),
            s.S2 == null ? default : s.S2.AsSpan(start, length));
    }

    private static Span<float> Slice(float* state, int start, int length) => state == null ? default : new Span<float>(state + start, length);

    private static void RunRange<TRule>(in TRule rule, Span<float> param, ReadOnlySpan<float> grad,
        Span<float> s0, Span<float> s1, Span<float> s2) where TRule : unmanaged, IUpdateRule
    {
        int n = param.Length, w = Vector<float>.Count, i = 0;
        bool h0 = !s0.IsEmpty, h1 = !s1.IsEmpty, h2 = !s2.IsEmpty;
        if (grad.Length < n || (h0 && s0.Length < n) || (h1 && s1.Length < n) || (h2 && s2.Length < n))
            throw new ArgumentException($"OptimizerUpdateKernel: gradient or state shorter than the parameter's {n} elements");
        // Unchecked loads and stores (lengths checked above): the update is a few instructions a
        // vector, so per-iteration slicing and bounds checks would double its cost.
        ref float rp = ref MemoryMarshal.GetReference(param);
        ref float rg = ref MemoryMarshal.GetReference(grad);
        ref float r0 = ref MemoryMarshal.GetReference(s0);
        ref float r1 = ref MemoryMarshal.GetReference(s1);
        ref float r2 = ref MemoryMarshal.GetReference(s2);
        // The widest vectors first, where the rule has them: a step of SGD's update streams three arrays larger
        // than L2, and at 8 lanes its instructions, not the memory, set the pace.
        if (TRule.HasWide && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> none = default;
            for (; i <= n - 16; i += 16)
            {
                nuint at = (nuint)i;
                var p = Vector512.LoadUnsafe(ref rp, at);
                var a = h0 ? Vector512.LoadUnsafe(ref r0, at) : none;
                var b = h1 ? Vector512.LoadUnsafe(ref r1, at) : none;
                var c = h2 ? Vector512.LoadUnsafe(ref r2, at) : none;
                rule.ApplyWide(ref p, Vector512.LoadUnsafe(ref rg, at), ref a, ref b, ref c);
                p.StoreUnsafe(ref rp, at);
                if (h0) a.StoreUnsafe(ref r0, at);
                if (h1) b.StoreUnsafe(ref r1, at);
                if (h2) c.StoreUnsafe(ref r2, at);
            }
        }
        i = h0 ? Vectors<TRule, Present>(rule, ref rp, ref rg, ref r0, ref r1, ref r2, i, n, h1, h2)
            : Vectors<TRule, Absent>(rule, ref rp, ref rg, ref r0, ref r1, ref r2, i, n, h1, h2);
        if (i == n) return;
        int r = n - i;
        Span<float> lanes = stackalloc float[5 * w];
        lanes.Clear();
        Span<float> tp = lanes[..w], tg = lanes.Slice(w, w), t0 = lanes.Slice(2 * w, w), t1 = lanes.Slice(3 * w, w), t2 = lanes.Slice(4 * w, w);
        param[i..].CopyTo(tp);
        grad[i..].CopyTo(tg);
        if (h0) s0[i..].CopyTo(t0);
        if (h1) s1[i..].CopyTo(t1);
        if (h2) s2[i..].CopyTo(t2);
        RunRange(rule, tp, tg, h0 ? t0 : default, h1 ? t1 : default, h2 ? t2 : default);
        tp[..r].CopyTo(param[i..]);
        if (h0) t0[..r].CopyTo(s0[i..]);
        if (h1) t1[..r].CopyTo(s1[i..]);
        if (h2) t2[..r].CopyTo(s2[i..]);
    }

    // The loop over whole vectors of Vector<float>, made once per rule and set of state buffers: which buffers it
    // reads and writes are type arguments, so the loop carries no test for them, and the rule is a copy on this
    // stack, whose fields the JIT keeps in registers (read through the reference, it reloaded every field after
    // each store, since a store through a span may alias a rule that lives in an array). On AVX2 the SGD-momentum
    // step of 235,146 parameters went from 154-164 to 75-78 µs (the fastest tenth of the thread's CPU time, AMD EPYC,
    // family 25 model 1, one core; 134 µs with the copy alone).
    private static int Vectors<TRule, T0>(in TRule rule, ref float rp, ref float rg, ref float r0, ref float r1, ref float r2,
        int i, int n, bool h1, bool h2) where TRule : unmanaged, IUpdateRule where T0 : struct, IPresence =>
        h1 ? Vectors<TRule, T0, Present>(rule, ref rp, ref rg, ref r0, ref r1, ref r2, i, n, h2)
            : Vectors<TRule, T0, Absent>(rule, ref rp, ref rg, ref r0, ref r1, ref r2, i, n, h2);

    private static int Vectors<TRule, T0, T1>(in TRule rule, ref float rp, ref float rg, ref float r0, ref float r1, ref float r2,
        int i, int n, bool h2) where TRule : unmanaged, IUpdateRule where T0 : struct, IPresence where T1 : struct, IPresence =>
        h2 ? Vectors<TRule, T0, T1, Present>(rule, ref rp, ref rg, ref r0, ref r1, ref r2, i, n)
            : Vectors<TRule, T0, T1, Absent>(rule, ref rp, ref rg, ref r0, ref r1, ref r2, i, n);

    private static int Vectors<TRule, T0, T1, T2>(in TRule rule, ref float rp, ref float rg, ref float r0, ref float r1, ref float r2,
        int i, int n) where TRule : unmanaged, IUpdateRule where T0 : struct, IPresence where T1 : struct, IPresence where T2 : struct, IPresence
    {
        var local = rule;
        int w = Vector<float>.Count;
        for (; i <= n - w; i += w)
        {
            nuint at = (nuint)i;
            var p = Vector.LoadUnsafe(ref rp, at);
            var a = T0.On ? Vector.LoadUnsafe(ref r0, at) : default;
            var b = T1.On ? Vector.LoadUnsafe(ref r1, at) : default;
            var c = T2.On ? Vector.LoadUnsafe(ref r2, at) : default;
            local.Apply(ref p, Vector.LoadUnsafe(ref rg, at), ref a, ref b, ref c);
            p.StoreUnsafe(ref rp, at);
            if (T0.On) a.StoreUnsafe(ref r0, at);
            if (T1.On) b.StoreUnsafe(ref r1, at);
            if (T2.On) c.StoreUnsafe(ref r2, at);
        }
        return i;
    }

    /// <summary>Whether a state buffer is there, as a type, so a loop made for it tests nothing.</summary>
    private interface IPresence
    {
        static abstract bool On { get; }
    }

    private struct Present : IPresence
    {
        public static bool On => true;
    }

    private struct Absent : IPresence
    {
        public static bool On => false;
    }

    /// <summary>
    /// <c>start.lerp_(end, weight)</c> as PyTorch's vectorized CPU kernel computes it: a fused
    /// multiply-add from whichever end is nearer, so the result is exact at weight 0 and 1.
    /// </summary>
    public static Vector<float> Lerp(Vector<float> start, Vector<float> end, float weight) =>
        MathF.Abs(weight) < 0.5f
            ? Vector.FusedMultiplyAdd(new Vector<float>(weight), end - start, start)
            : Vector.FusedMultiplyAdd(new Vector<float>(weight - 1f), end - start, end);

    /// <summary><see cref="Lerp(Vector{float}, Vector{float}, float)"/> on 16 lanes, the same operations.</summary>
    public static Vector512<float> Lerp(Vector512<float> start, Vector512<float> end, float weight) =>
        MathF.Abs(weight) < 0.5f
            ? Vector512.FusedMultiplyAdd(Vector512.Create(weight), end - start, start)
            : Vector512.FusedMultiplyAdd(Vector512.Create(weight - 1f), end - start, end);

    /// <summary><c>torch.sign</c>: -1, 0 or 1, and NaN stays NaN.</summary>
    public static Vector<float> Sign(Vector<float> x)
    {
        var one = Vector<float>.One;
        var s = Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), one,
            Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -one, Vector<float>.Zero));
        return Vector.ConditionalSelect(Vector.Equals(x, x), s, x);
    }
}

/// <summary>One parameter's part of <see cref="OptimizerUpdateKernel.RunAll"/>: its rule, storage, gradient and state buffers.</summary>
internal struct UpdateSegment<TRule> where TRule : unmanaged, IUpdateRule
{
    public TRule Rule;
    public float[] Param;
    public int ParamOffset;
    public float[] Grad;
    public int GradOffset;
    public float[]? S0, S1, S2;
    public int Length;
}
