using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
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

    /// <summary>The rows <see cref="ReluRows"/> walks down one strip before the next strip: 32 KB of gradient at 256 columns.</summary>
    private const int StripRows = 32;

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
        if (Vector512.IsHardwareAccelerated && a.Depth == 1 && width % 16 == 0
            && a.Activation is GemmActivation.Relu or GemmActivation.None)
        {
            ReluRows(in a, c0, width);
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
    /// <see cref="Part"/> for a ReLU (or no activation) over one leading dimension, written out on 512-bit
    /// vectors: the derivative, the store of dZ and the running column sums in one pass, where two library
    /// calls per row (mask, then add) cost more than their arithmetic. The same operations as <see cref="ActivationKernel.ReluBackward"/>'s select and
    /// <see cref="Fold"/>'s first copy and one-rounding adds, so the same bits.
    /// </summary>
    private static void ReluRows(in Args a, int c0, int width)
    {
        bool relu = a.Activation == GemmActivation.Relu;
        int rows = a.Rows, n = a.N;
        // Strips of 64 columns down a block of rows, their four running sums in registers: summed row by row
        // through memory, each sum's store and next load chained the rows together (1024 x 128 in 32 µs,
        // now 18). Blocks of rows keep the strips' lines in cache for the next strip, as a whole-height strip
        // over a megabyte of gradient did not (1024 x 256 from 60 to 72 µs).
        for (int r0 = 0; r0 < rows; r0 += StripRows)
        {
            int r1 = Math.Min(rows, r0 + StripRows);
            for (int j = c0; j < c0 + width; j += 64)
            {
                int vectors = Math.Min(4, (c0 + width - j) / 16);
                long at = (long)r0 * n + j;
                float* g = a.G + at, saved = a.Saved + at, dz = a.Dz + at;
                float* sums = a.BiasGrad == null ? null : a.BiasGrad + j;
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                if (sums != null && r0 > 0)
                {
                    s0 = Vector512.Load(sums);
                    if (vectors > 1) s1 = Vector512.Load(sums + 16);
                    if (vectors > 2) s2 = Vector512.Load(sums + 32);
                    if (vectors > 3) s3 = Vector512.Load(sums + 48);
                }
                for (int r = r0; r < r1; r++, g += n, saved += n, dz += n)
                {
                    var v0 = Derivative(g, saved, relu);
                    Vector512.Store(v0, dz);
                    s0 = r == 0 ? v0 : s0 + v0;
                    if (vectors < 2) continue;
                    var v1 = Derivative(g + 16, saved + 16, relu);
                    Vector512.Store(v1, dz + 16);
                    s1 = r == 0 ? v1 : s1 + v1;
                    if (vectors < 3) continue;
                    var v2 = Derivative(g + 32, saved + 32, relu);
                    Vector512.Store(v2, dz + 32);
                    s2 = r == 0 ? v2 : s2 + v2;
                    if (vectors < 4) continue;
                    var v3 = Derivative(g + 48, saved + 48, relu);
                    Vector512.Store(v3, dz + 48);
                    s3 = r == 0 ? v3 : s3 + v3;
                }
                if (sums == null) continue;
                Vector512.Store(s0, sums);
                if (vectors > 1) Vector512.Store(s1, sums + 16);
                if (vectors > 2) Vector512.Store(s2, sums + 32);
                if (vectors > 3) Vector512.Store(s3, sums + 48);
            }
        }
    }

    /// <summary>The gradient where the output is above zero (or NaN), zero elsewhere: ReluBackward's mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Derivative(float* g, float* saved, bool relu)
    {
        var v = Vector512.Load(g);
        return relu ? Vector512.ConditionalSelect(Vector512.LessThanOrEqual(Vector512.Load(saved), Vector512<float>.Zero), Vector512<float>.Zero, v) : v;
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
