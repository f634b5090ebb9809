using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// The backward of a fused product's epilogue (<see cref="GemmEpilogue"/>) in one pass over the gradient: the
/// activation's derivative applied to the incoming gradient (dZ), and the bias gradient, dZ's column sums,
/// while each row of dZ is still in L1.
/// </summary>
/// <remarks>
/// The column sums fold rows in the order the engine un-broadcasts a bias gradient (one leading dimension at
/// a time, innermost first, each a running sum from its first row: <c>Engine.SumTo</c> through
/// <see cref="ReduceKernel"/>): a running sum per leading dimension, each folded into the next one out when its
/// index reaches its end, so the bits are those of the unfused ops. Threads split the columns, and every column
/// is summed by one thread in that order, so the split never changes a result.
/// </remarks>
internal static unsafe class EpilogueBackwardKernel
{
    /// <summary>Each extra thread needs at least this many elements (a few microseconds of streaming).</summary>
    private const long ElementsPerThread = 1 << 15;

    private struct Args
    {
        public float* G, Saved, Dz, BiasGrad, Levels;
        public int* Leading;
        public int Depth, Rows, N, Parts;
        public GemmActivation Activation;
    }

    /// <summary>
    /// dZ = g·act′ for a product of <paramref name="leading"/>'s rows (its leading dimensions) by
    /// <paramref name="n"/> columns, and, when <paramref name="biasGrad"/> is not empty, its column sums there.
    /// <paramref name="saved"/> is what the activation's backward reads: the output for ReLU (as
    /// <see cref="ActivationKernel.ReluBackward"/>), the pre-activation for GELU; unused for none, where dZ = g.
    /// </summary>
    /// <example><code>
    /// EpilogueBackwardKernel.Run(g, y, GemmActivation.Relu, [batch, time], features, dz, biasGrad);
    /// </code></example>
    public static void Run(ReadOnlySpan<float> g, ReadOnlySpan<float> saved, GemmActivation activation,
        ReadOnlySpan<int> leading, int n, Span<float> dz, Span<float> biasGrad)
    {
        // A 1-D input is one row, which the engine passes on unsummed.
        bool oneRow = leading.IsEmpty;
        if (oneRow) leading = [1];
        long rows = 1;
        foreach (int d in leading) rows *= d;
        long numel = rows * n;
        if (g.Length < numel || dz.Length < numel || (activation != GemmActivation.None && saved.Length < numel)
            || (!biasGrad.IsEmpty && biasGrad.Length < n))
            throw new ArgumentException($"EpilogueBackward: spans too short for {rows} x {n}; got g {g.Length}, saved {saved.Length}, dZ {dz.Length}, bias gradient {biasGrad.Length}");
        if (n == 0) return;
        if (rows == 0)
        {
            biasGrad.Clear();
            return;
        }
        // A single column is summed as the engine sums a contiguous run (TensorPrimitives.Sum, in its own
        // order), so dZ is finished first and reduced as Engine.SumTo does.
        bool columnSums = !biasGrad.IsEmpty && n > 1;
        // A running sum per leading dimension but the outermost, whose sum is the bias gradient itself.
        int depth = leading.Length;
        var levels = !columnSums || depth <= 1 ? [] : ScratchPool.Rent((depth - 1) * n);
        try
        {
            fixed (float* pg = g, ps = saved, pd = dz, pb = biasGrad, pl = levels)
            fixed (int* lead = leading)
            {
                var args = new Args
                {
                    G = pg, Saved = ps, Dz = pd, BiasGrad = columnSums ? pb : null, Levels = pl, Leading = lead,
                    Depth = depth, Rows = (int)rows, N = n, Activation = activation,
                };
                args.Parts = ParallelPartition.Parts(numel, ElementsPerThread, (n + 15) / 16);
                ParallelPool.Run(args.Parts, &Part, &args);
            }
        }
        finally
        {
            if (levels.Length > 0) ScratchPool.Return(levels);
        }
        if (!biasGrad.IsEmpty && n == 1)
        {
            if (oneRow) biasGrad[0] = dz[0];
            else SumRuns(dz[..(int)rows], leading, biasGrad);
        }
    }

    /// <summary>One column's sum, as <c>Engine.SumTo</c> reduces it: each leading dimension in turn, innermost first.</summary>
    private static void SumRuns(ReadOnlySpan<float> column, ReadOnlySpan<int> leading, Span<float> destination)
    {
        var scratch = leading.Length > 1 ? ScratchPool.Rent(column.Length) : [];
        try
        {
            var source = column;
            int outer = column.Length;
            for (int level = leading.Length - 1; level >= 0; level--)
            {
                outer /= leading[level];
                // Each level's sums are shorter than the values it reads, so they may overwrite the scratch in place.
                var sums = level == 0 ? destination : scratch.AsSpan(0, outer);
                ReduceKernel.Run<SumReduce>(source, outer, leading[level], 1, sums);
                source = sums;
            }
        }
        finally
        {
            if (scratch.Length > 0) ScratchPool.Return(scratch);
        }
    }

    private static void Part(int part, void* state)
    {
        ref readonly var a = ref *(Args*)state;
        var (c0, c1) = ParallelPartition.Range(a.N, a.Parts, part, 16);
        int width = c1 - c0;
        if (width <= 0) return;
        if (ColumnBlocks && a.Depth == 1 && a.BiasGrad != null && a.Activation is GemmActivation.Relu or GemmActivation.None)
        {
            int c = c0;
            for (; c1 - c >= 32; c += 32) Block32(in a, c);
            for (; c1 - c >= 8; c += 8) Block8(in a, c);
            for (; c < c1; c++) Column(in a, c);
            return;
        }
        Span<int> index = stackalloc int[Math.Max(1, a.Depth)];
        index.Clear();
        for (int r = 0; r < a.Rows; r++)
        {
            long at = (long)r * a.N + c0;
            var g = new ReadOnlySpan<float>(a.G + at, width);
            var dz = new Span<float>(a.Dz + at, width);
            switch (a.Activation)
            {
                case GemmActivation.Relu: ActivationKernel.ReluBackward(g, new ReadOnlySpan<float>(a.Saved + at, width), dz); break;
                case GemmActivation.GeluExact: ActivationKernel.GeluBackward(g, new ReadOnlySpan<float>(a.Saved + at, width), false, dz); break;
                case GemmActivation.GeluTanh: ActivationKernel.GeluBackward(g, new ReadOnlySpan<float>(a.Saved + at, width), true, dz); break;
                default: g.CopyTo(dz); break;
            }
            if (a.BiasGrad != null) Fold(in a, index, c0, width, dz);
        }
    }

    /// <summary>
    /// On AVX2 (and not AVX-512, whose path is kept as measured there), a plain batch of rows goes down 32 or 8 columns
    /// at a time (then one) with their sums in registers, where the row loop called two library loops a row and read and wrote the
    /// sums between them (measured on one core of an AMD EPYC, family 25 model 1, fastest tenth of the thread's CPU time: 128 x 128 from
    /// 5.6-7.0 to 2.5-2.6 µs; 1024 x 256, which streams from L3 either way, 72-75 against 71-72).
    /// The same operations per element: dZ as <see cref="ActivationKernel.ReluBackward"/> computes it, each column's sum
    /// its first row then every later row added in order, as the row loop's copy and adds.
    /// </summary>
    private static readonly bool ColumnBlocks = !Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated;

    private static void Block32(in Args a, int c)
    {
        bool relu = a.Activation == GemmActivation.Relu;
        long n = a.N;
        float* g = a.G + c, y = a.Saved + c, dz = a.Dz + c;
        var s0 = Dz(g, y, 0, relu); var s1 = Dz(g, y, 8, relu); var s2 = Dz(g, y, 16, relu); var s3 = Dz(g, y, 24, relu);
        Store4(dz, s0, s1, s2, s3);
        for (int r = 1; r < a.Rows; r++)
        {
            g += n;
            y += n;
            dz += n;
            var d0 = Dz(g, y, 0, relu); var d1 = Dz(g, y, 8, relu); var d2 = Dz(g, y, 16, relu); var d3 = Dz(g, y, 24, relu);
            Store4(dz, d0, d1, d2, d3);
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
        }
        Store4(a.BiasGrad + c, s0, s1, s2, s3);
    }

    private static void Block8(in Args a, int c)
    {
        bool relu = a.Activation == GemmActivation.Relu;
        long n = a.N;
        float* g = a.G + c, y = a.Saved + c, dz = a.Dz + c;
        var s = Dz(g, y, 0, relu);
        Vector256.Store(s, dz);
        for (int r = 1; r < a.Rows; r++)
        {
            g += n;
            y += n;
            dz += n;
            var d = Dz(g, y, 0, relu);
            Vector256.Store(d, dz);
            s += d;
        }
        Vector256.Store(s, a.BiasGrad + c);
    }

    // A column past the last whole vector (a 10-way output layer's last two): ReluBackward's scalar form, summed in row order.
    private static void Column(in Args a, int c)
    {
        bool relu = a.Activation == GemmActivation.Relu;
        long n = a.N;
        float s = 0f;
        for (int r = 0; r < a.Rows; r++)
        {
            long at = r * n + c;
            float d = relu && a.Saved[at] <= 0f ? 0f : a.G[at];
            a.Dz[at] = d;
            s = r == 0 ? d : s + d;
        }
        a.BiasGrad[c] = s;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Dz(float* g, float* y, int at, bool relu)
    {
        var gv = Vector256.Load(g + at);
        return relu ? Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Load(y + at), Vector256<float>.Zero), Vector256<float>.Zero, gv) : gv;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* at, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        Vector256.Store(v0, at);
        Vector256.Store(v1, at + 8);
        Vector256.Store(v2, at + 16);
        Vector256.Store(v3, at + 24);
    }

    /// <summary>Adds one row of dZ into the innermost running sum, and folds every sum whose dimension ends here outward.</summary>
    private static void Fold(in Args a, Span<int> index, int c0, int width, ReadOnlySpan<float> row)
    {
        ReadOnlySpan<float> source = row;
        for (int level = a.Depth - 1; level >= 0; level--)
        {
            float* at = level == 0 ? a.BiasGrad + c0 : a.Levels + (long)(level - 1) * a.N + c0;
            var sum = new Span<float>(at, width);
            // The first row of a run starts its sum, as ReduceKernel copies its first row.
            if (index[level] == 0) source.CopyTo(sum);
            else TensorPrimitives.Add(sum, source, sum);
            if (++index[level] < a.Leading[level]) return;
            index[level] = 0;
            source = sum;
        }
    }
}
