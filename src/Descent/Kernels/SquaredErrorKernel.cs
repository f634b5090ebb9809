using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// The squared error (x − y)² between two same-length arrays, forward and backward, each in one pass over the
/// operands (composed from Sub, Square and Sum it wrote and re-read two temporaries of their length forward and
/// three backward). The sum is cut into fixed blocks of <see cref="BlockLength"/>, each summed in float vectors
/// and the block sums added in double in block order, so the total depends on the length alone, never on how
/// many threads took the blocks.
/// </summary>
internal static unsafe class SquaredErrorKernel
{
    /// <summary>Elements per block of the sum: a block's partial sum is the unit threads hand back.</summary>
    internal const int BlockLength = 4096;

    /// <summary>Below two parts of this many elements a pass runs on the calling thread.</summary>
    internal const int ElementsPerThread = 64 * 1024;

    private struct Job
    {
        public float* X, Y, G, Gx, Gy, Out;
        public double* Partials;
        public int Length, Parts;
        public float Scale;
    }

    /// <summary>Σ (x − y)², accumulated as the class describes and rounded to float once.</summary>
    public static float SumOfSquares(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Check(x, y, y.Length, "y");
        int blocks = (x.Length + BlockLength - 1) / BlockLength;
        if (blocks == 0) return 0f;
        Span<double> partials = blocks <= 256 ? stackalloc double[blocks] : new double[blocks];
        fixed (float* px = x, py = y)
        fixed (double* pp = partials)
        {
            var job = new Job { X = px, Y = py, Partials = pp, Length = x.Length };
            Dispatch(ref job, blocks, &SumPart);
        }
        double total = 0;
        foreach (double p in partials) total += p;
        return (float)total;
    }

    /// <summary><paramref name="destination"/>[i] = (x[i] − y[i])², the difference rounded to float before it is squared.</summary>
    public static void Squares(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        Check(x, y, destination.Length, "destination");
        Check(x, y, y.Length, "y");
        fixed (float* px = x, py = y, pd = destination)
        {
            var job = new Job { X = px, Y = py, Out = pd, Length = x.Length };
            Dispatch(ref job, Blocks(x.Length), &SquaresPart);
        }
    }

    /// <summary>
    /// The gradients of Σ s·(x − y)² for one scale s = <paramref name="scale"/> (the loss's gradient over the count
    /// for a mean): gx = ((x − y)·s)·2 and gy = −gx, rounded as Sub, Square and Mul's backward round them. Either
    /// destination may be empty, when that operand needs no gradient.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float scale, Span<float> gx, Span<float> gy) =>
        Backward(x, y, default, scale, gx, gy);

    /// <summary>As <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/> with a scale per element, <paramref name="g"/>[i].</summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx, Span<float> gy) =>
        Backward(x, y, g, float.NaN, gx, gy);

    private static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, float scale, Span<float> gx, Span<float> gy)
    {
        Check(x, y, y.Length, "y");
        if (!g.IsEmpty) Check(x, y, g.Length, "g");
        if (!gx.IsEmpty) Check(x, y, gx.Length, "gx");
        if (!gy.IsEmpty) Check(x, y, gy.Length, "gy");
        if (gx.IsEmpty && gy.IsEmpty) return;
        fixed (float* px = x, py = y, pg = g, pgx = gx, pgy = gy)
        {
            var job = new Job
            {
                X = px, Y = py, G = g.IsEmpty ? null : pg, Gx = gx.IsEmpty ? null : pgx, Gy = gy.IsEmpty ? null : pgy,
                Length = x.Length, Scale = scale,
            };
            Dispatch(ref job, Blocks(x.Length), &BackwardPart);
        }
    }

    private static int Blocks(int length) => (length + BlockLength - 1) / BlockLength;

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int length, string what)
    {
        if (length != x.Length)
            throw new ArgumentException($"SquaredErrorKernel: x and {what} must have the same length; got {x.Length} and {length} (y has {y.Length})");
    }

    private static void Dispatch(ref Job job, int blocks, delegate*<int, void*, void> part)
    {
        job.Parts = ParallelPartition.Parts(job.Length, ElementsPerThread, Math.Max(1, blocks));
        fixed (Job* state = &job)
        {
            if (job.Parts == 1) part(0, state);
            else ParallelPool.Run(job.Parts, part, state);
        }
    }

    private static (int Start, int End) Range(in Job a, int part) => ParallelPartition.Range(a.Length, a.Parts, part, BlockLength);

    private static void SumPart(int part, void* state)
    {
        ref readonly var a = ref *(Job*)state;
        var (start, end) = Range(a, part);
        for (int b = start; b < end; b += BlockLength)
        {
            int n = Math.Min(BlockLength, end - b);
            a.Partials[b / BlockLength] = BlockSum(a.X + b, a.Y + b, n);
        }
    }

    /// <summary>One block's Σ (x − y)² in four vector accumulators, summed lane by lane in a fixed order.</summary>
    private static double BlockSum(float* x, float* y, int n)
    {
        int i = 0;
        double sum = 0;
        // 256-bit vectors on every wide machine: the loop is bound by loading the operands, and one width keeps
        // the sum's bits the same on AVX2 and AVX-512.
        if (Vector256.IsHardwareAccelerated && n >= 32)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i <= n - 32; i += 32)
            {
                var d0 = Vector256.Load(x + i) - Vector256.Load(y + i);
                var d1 = Vector256.Load(x + i + 8) - Vector256.Load(y + i + 8);
                var d2 = Vector256.Load(x + i + 16) - Vector256.Load(y + i + 16);
                var d3 = Vector256.Load(x + i + 24) - Vector256.Load(y + i + 24);
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            sum = Lanes((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++)
        {
            float d = x[i] - y[i];
            sum += d * d;
        }
        return sum;
    }

    private static double Lanes(Vector256<float> v)
    {
        double s = 0;
        for (int k = 0; k < Vector256<float>.Count; k++) s += v.GetElement(k);
        return s;
    }

    private static void SquaresPart(int part, void* state)
    {
        ref readonly var a = ref *(Job*)state;
        var (start, end) = Range(a, part);
        int i = start;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= end - 8; i += 8)
            {
                var d = Vector256.Load(a.X + i) - Vector256.Load(a.Y + i);
                (d * d).Store(a.Out + i);
            }
        for (; i < end; i++)
        {
            float d = a.X[i] - a.Y[i];
            a.Out[i] = d * d;
        }
    }

    private static void BackwardPart(int part, void* state)
    {
        ref readonly var a = ref *(Job*)state;
        var (start, end) = Range(a, part);
        int i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(a.Scale);
            var two = Vector256.Create(2f);
            for (; i <= end - 8; i += 8)
            {
                var scale = a.G == null ? s : Vector256.Load(a.G + i);
                // (d·s)·2, the order Pow's backward (g·x)·2 rounds in; the factor 2 is exact either way.
                var gx = (Vector256.Load(a.X + i) - Vector256.Load(a.Y + i)) * scale * two;
                if (a.Gx != null) gx.Store(a.Gx + i);
                if (a.Gy != null) (-gx).Store(a.Gy + i);
            }
        }
        for (; i < end; i++)
        {
            float scale = a.G == null ? a.Scale : a.G[i];
            float gx = (a.X[i] - a.Y[i]) * scale * 2f;
            if (a.Gx != null) a.Gx[i] = gx;
            if (a.Gy != null) a.Gy[i] = -gx;
        }
    }
}
