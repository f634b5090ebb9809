namespace Descent.Kernels;

/// <summary>
/// The threading the normalisations over trailing dimensions share (<see cref="LayerNormKernel"/>,
/// <see cref="RmsNormKernel"/>): a pass over [rows, d] is cut by rows (forward, input gradient) or by
/// vector-aligned column ranges (the affine gradients, each column summed over all rows by one part), and the
/// number of parts depends on the size alone, so every value is computed by one thread in one order whatever
/// the thread count.
/// </summary>
internal static unsafe class NormPasses
{
    /// <summary>Elements per part below which a pass stays on one thread.</summary>
    internal const long MinElementsPerPart = 1 << 15;

    private struct Job
    {
        public void* Args;
        public delegate*<void*, int, void> Row;
        public delegate*<void*, int, int, void> Columns;
        public int Rows, D, Parts;
    }

    /// <summary>Calls <paramref name="row"/>(args, r) once for every row.</summary>
    public static void ByRows(void* args, int rows, int d, delegate*<void*, int, void> row) =>
        Run(new Job { Args = args, Row = row, Rows = rows, D = d }, rows);

    /// <summary>Calls <paramref name="columns"/>(args, from, to) over column ranges that together cover [0, d).</summary>
    public static void ByColumns(void* args, int rows, int d, delegate*<void*, int, int, void> columns) =>
        Run(new Job { Args = args, Columns = columns, Rows = rows, D = d }, d);

    private static void Run(Job job, int items)
    {
        if (job.Rows == 0 || job.D == 0) return;
        job.Parts = ParallelPartition.Parts((long)job.Rows * job.D, MinElementsPerPart, items);
        if (job.Parts == 1) Part(0, &job);
        else ParallelPool.Run(job.Parts, &Part, &job);
    }

    private static void Part(int part, void* state)
    {
        ref var job = ref *(Job*)state;
        if (job.Columns != null)
        {
            var (from, to) = ParallelPartition.Range(job.D, job.Parts, part, System.Numerics.Vector<float>.Count);
            if (to > from) job.Columns(job.Args, from, to);
            return;
        }
        var (start, end) = ParallelPartition.Range(job.Rows, job.Parts, part);
        for (int r = start; r < end; r++) job.Row(job.Args, r);
    }
}
