using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// C = A·Bᵀ with at most 16 columns (a classifier's output layer: a batch through a 10-way Linear), on the
/// widest path: Bᵀ is copied once into one 16-lane vector per step of k (zero past n), and twelve rows of A,
/// read where they lie, each keep one accumulator that a broadcast of their value at each step multiplies
/// into it. The packed path's tiles are 32 columns wide, so a 10-column product used under a third of each
/// tile's lanes (measured on one core of a Xeon, model 207: 1024 x 10 x 128 at 30 % of the FMA peak,
/// 54 µs); here 10 of 16 lanes count.
/// On AVX2 the same copy of Bᵀ is two 8-lane vectors a step and six rows share them (twelve accumulators, two
/// vectors of B and a broadcast: 15 of the 16 registers); the packed path there packed A for its 6 x 16 tile and
/// wrote every tile through scratch (measured on one core of an AMD EPYC, family 25 model 1: 1024 x 10 x 128
/// fastest tenth of the thread's CPU time from 152-272 to 55-71 µs).
/// Every element is one fused multiply-add chain over k in order from zero, whichever group of rows or
/// thread's part holds its row, so results are bit-identical for every thread count.
/// </summary>
internal static unsafe class GemmNarrowProduct
{
    /// <summary>The widest columns this path takes: one 512-bit vector.</summary>
    internal const int MaxColumns = 16;

    private const int GroupRows = 12;

    /// <summary>The rows that share each step's two vectors of Bᵀ on AVX2.</summary>
    private const int GroupRows256 = 6;

    private struct Args
    {
        public float* A, Bt, C, Bias;
        public int M, N, K, Parts;
        public bool Accumulate;
        public GemmEpilogue Epilogue;
    }

    /// <summary>
    /// Whether an A·Bᵀ product of this shape runs here: 512- or 256-bit vectors, at most <see cref="MaxColumns"/>
    /// columns, and more rows of A than the dot-product tiles take (<see cref="Gemm.DotTileRows"/>).
    /// </summary>
    public static bool Suits(int m, int n, int k) =>
        Gemm.Path != GemmPath.Scalar && n <= MaxColumns && m > Gemm.DotTileRows && k > 0;

    /// <summary>C (m x n) = A (m x k) · B (n x k)ᵀ, added when <paramref name="accumulate"/>, then finished by <paramref name="epilogue"/>.</summary>
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int n, int k, Span<float> c,
        bool accumulate, int parts, GemmEpilogue epilogue)
    {
        var bt = ScratchPool.Rent(k * MaxColumns);
        // The bias, zero past n, added to each row's sums before they are written: as the epilogue's add, one rounding
        // of the finished sum, without a library call per row of 10 (1024 x 10 x 128 took 40.4 µs with the bias added
        // in the epilogue against 32.6 without it, on one core of a Xeon, model 207). A sum added into C gets its bias after.
        float* bias = stackalloc float[MaxColumns];
        bool fuseBias = !accumulate && epilogue.Bias != null;
        if (fuseBias)
        {
            new Span<float>(bias, MaxColumns).Clear();
            new ReadOnlySpan<float>(epilogue.Bias, n).CopyTo(new Span<float>(bias, MaxColumns));
            epilogue = epilogue.WithoutBias();
        }
        try
        {
            fixed (float* pa = a, pb = b, pt = bt, pc = c)
            {
                for (int p = 0; p < k; p++)
                {
                    float* row = pt + (long)p * MaxColumns;
                    int j = 0;
                    for (; j < n; j++) row[j] = pb[(long)j * k + p];
                    for (; j < MaxColumns; j++) row[j] = 0f;
                }
                var args = new Args
                {
                    A = pa, Bt = pt, C = pc, Bias = fuseBias ? bias : null, M = m, N = n, K = k, Accumulate = accumulate, Epilogue = epilogue,
                };
                args.Parts = parts > 0 ? parts
                    : ParallelPartition.Parts((long)m * n * k, Gemm.MacsPerThread, (m + GroupRows - 1) / GroupRows);
                ParallelPool.Run(args.Parts, &Part, &args);
            }
        }
        finally
        {
            ScratchPool.Return(bt);
        }
    }

    private static void Part(int part, void* state)
    {
        ref readonly var g = ref *(Args*)state;
        var (r0, r1) = ParallelPartition.Range(g.M, g.Parts, part, GroupRows);
        int i = r0;
        // The AVX2 forms share six rows per step, the AVX-512 ones twelve; the leftover rows go one at a time either way.
        bool wide = Gemm.Path == GemmPath.Vector512;
        int groupRows = wide ? GroupRows : GroupRows256;
        delegate*<float*, int, float*, float*, int, bool, float*, void> group = wide ? &Twelve : &Six256, one = wide ? &One : &One256;
        for (; i + groupRows <= r1; i += groupRows)
        {
            group(g.A + (long)i * g.K, g.K, g.Bt, g.C + (long)i * g.N, g.N, g.Accumulate, g.Bias);
            g.Epilogue.Apply(g.C, g.N, i, groupRows, 0, g.N);
        }
        for (; i < r1; i++)
        {
            one(g.A + (long)i * g.K, g.K, g.Bt, g.C + (long)i * g.N, g.N, g.Accumulate, g.Bias);
            g.Epilogue.Apply(g.C, g.N, i, 1, 0, g.N);
        }
    }

    // Twelve chains of one accumulator each: enough independent FMAs to keep both ports busy through the
    // FMA's latency, and each step's broadcasts are loads straight from the rows.
    private static void Twelve(float* a, int k, float* bt, float* c, int n, bool add, float* bias)
    {
        // Row 3q + s is read at base q plus offset s: four pointers and two offsets instead of twelve
        // pointers, which would not all fit in registers beside the loop's own.
        nint o1 = k, o2 = 2 * (nint)k;
        float* a3 = a + 3 * (nint)k, a6 = a3 + 3 * (nint)k, a9 = a6 + 3 * (nint)k;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < k; p++)
        {
            var b = Vector512.Load(bt);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o1]), b, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o2]), b, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[0]), b, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[o1]), b, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[o2]), b, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[0]), b, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o1]), b, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o2]), b, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a9[0]), b, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a9[o1]), b, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a9[o2]), b, c11);
            a++;
            a3++;
            a6++;
            a9++;
            bt += MaxColumns;
        }
        float* lanes = stackalloc float[MaxColumns];
        Write(c0, c, n, add, bias, lanes);
        Write(c1, c + n, n, add, bias, lanes);
        Write(c2, c + 2 * n, n, add, bias, lanes);
        Write(c3, c + 3 * n, n, add, bias, lanes);
        Write(c4, c + 4 * n, n, add, bias, lanes);
        Write(c5, c + 5 * n, n, add, bias, lanes);
        Write(c6, c + 6 * n, n, add, bias, lanes);
        Write(c7, c + 7 * n, n, add, bias, lanes);
        Write(c8, c + 8 * n, n, add, bias, lanes);
        Write(c9, c + 9 * n, n, add, bias, lanes);
        Write(c10, c + 10 * n, n, add, bias, lanes);
        Write(c11, c + 11 * n, n, add, bias, lanes);
    }

    // A row past the last group of twelve: the same chain, alone.
    private static void One(float* a, int k, float* bt, float* c, int n, bool add, float* bias)
    {
        Vector512<float> acc = default;
        for (int p = 0; p < k; p++) acc = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(bt + (long)p * MaxColumns), acc);
        float* lanes = stackalloc float[MaxColumns];
        Write(acc, c, n, add, bias, lanes);
    }

    // Six rows by two 8-lane vectors: the AVX2 form of Twelve, each element the same chain.
    private static void Six256(float* a, int k, float* bt, float* c, int n, bool add, float* bias)
    {
        nint o1 = k, o2 = 2 * (nint)k;
        float* a3 = a + 3 * (nint)k;
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default;
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector256.Load(bt);
            var b1 = Vector256.Load(bt + 8);
            var x = Vector256.Create(a[0]);
            c0 = Vector256.FusedMultiplyAdd(x, b0, c0);
            d0 = Vector256.FusedMultiplyAdd(x, b1, d0);
            x = Vector256.Create(a[o1]);
            c1 = Vector256.FusedMultiplyAdd(x, b0, c1);
            d1 = Vector256.FusedMultiplyAdd(x, b1, d1);
            x = Vector256.Create(a[o2]);
            c2 = Vector256.FusedMultiplyAdd(x, b0, c2);
            d2 = Vector256.FusedMultiplyAdd(x, b1, d2);
            x = Vector256.Create(a3[0]);
            c3 = Vector256.FusedMultiplyAdd(x, b0, c3);
            d3 = Vector256.FusedMultiplyAdd(x, b1, d3);
            x = Vector256.Create(a3[o1]);
            c4 = Vector256.FusedMultiplyAdd(x, b0, c4);
            d4 = Vector256.FusedMultiplyAdd(x, b1, d4);
            x = Vector256.Create(a3[o2]);
            c5 = Vector256.FusedMultiplyAdd(x, b0, c5);
            d5 = Vector256.FusedMultiplyAdd(x, b1, d5);
            a++;
            a3++;
            bt += MaxColumns;
        }
        float* lanes = stackalloc float[MaxColumns];
        Write(c0, d0, c, n, add, bias, lanes);
        Write(c1, d1, c + n, n, add, bias, lanes);
        Write(c2, d2, c + 2 * n, n, add, bias, lanes);
        Write(c3, d3, c + 3 * n, n, add, bias, lanes);
        Write(c4, d4, c + 4 * n, n, add, bias, lanes);
        Write(c5, d5, c + 5 * n, n, add, bias, lanes);
    }

    private static void One256(float* a, int k, float* bt, float* c, int n, bool add, float* bias)
    {
        Vector256<float> lo = default, hi = default;
        for (int p = 0; p < k; p++)
        {
            var x = Vector256.Create(a[p]);
            lo = Vector256.FusedMultiplyAdd(x, Vector256.Load(bt + (long)p * MaxColumns), lo);
            hi = Vector256.FusedMultiplyAdd(x, Vector256.Load(bt + (long)p * MaxColumns + 8), hi);
        }
        float* lanes = stackalloc float[MaxColumns];
        Write(lo, hi, c, n, add, bias, lanes);
    }

    /// <summary><see cref="Write(Vector512{float}, float*, int, bool, float*, float*)"/> for a row held as two 8-lane halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(Vector256<float> low, Vector256<float> high, float* row, int n, bool add, float* bias, float* lanes)
    {
        if (bias != null)
        {
            low += Vector256.Load(bias);
            high += Vector256.Load(bias + 8);
        }
        Vector256.Store(low, lanes);
        Vector256.Store(high, lanes + 8);
        Copy(row, n, add, lanes);
    }

    /// <summary>
    /// The first <paramref name="n"/> lanes into a row of C, added to it as the packed path adds a tile, or stored with
    /// <paramref name="bias"/> (16 floats) added when it is not null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(Vector512<float> sums, float* row, int n, bool add, float* bias, float* lanes)
    {
        if (bias != null) sums += Vector512.Load(bias);
        Vector512.Store(sums, lanes);
        Copy(row, n, add, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* row, int n, bool add, float* lanes)
    {
        if (add)
            for (int j = 0; j < n; j++) row[j] += lanes[j];
        else
            for (int j = 0; j < n; j++) row[j] = lanes[j];
    }
}
