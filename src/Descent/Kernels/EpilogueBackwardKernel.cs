using System.Numerics.Tensors;

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
