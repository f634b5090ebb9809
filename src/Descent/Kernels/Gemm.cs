using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>The instruction set a GEMM micro-kernel uses.</summary>
internal enum GemmPath { Vector512, Vector256, Scalar }

/// <summary>
/// Single-precision matrix multiply C = op(A)·op(B) on row-major spans, where op transposes when the
/// flag is set, so backward passes read transposed operands without copying them.
/// Large products run GotoBLAS-style: op(B) is packed a kc x nc block at a time into nr-wide panels,
/// op(A) an mc x kc block at a time into mr-tall panels (the transposes happen in the packing), and a
/// register-blocked micro-kernel for the widest vectors the CPU has (chosen once, at start-up, with
/// block sizes for the CPU's caches: <see cref="GemmBlocking"/>; on AVX-512 a 12 x 32 or an 8 x 48 tile,
/// <see cref="GemmTile"/>) runs over the tiles. The AVX-512
/// kernels read an A stored [m, k] where it lies, and pack only its edge panels; a transposed A is
/// packed by the kernel that first reads each panel. Small products, a few rows, and A·Bᵀ with few rows of A (as its transpose, or as dot
/// products of rows that are both contiguous) skip the packing of B. Threads split C into column (or row) ranges; which path an
/// element takes depends only on the shape, and it is computed by one thread with the same sequence of
/// operations whatever the split, so results are bit-identical for every thread count.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>The micro-kernel in use, fixed at start-up from the CPU (and DOTNET_EnableAVX512 / DOTNET_EnableAVX2).</summary>
    public static readonly GemmPath Path = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmPath.Vector512
        : Avx2.IsSupported && Fma.IsSupported ? GemmPath.Vector256
        : GemmPath.Scalar;

    /// <summary>Tile and block sizes for this CPU (<see cref="GemmBlocking"/>), with the tile it chose.</summary>
    public static readonly GemmBlocking Blocking = GemmBlocking.For(Path);

    // Both AVX-512 tiles' blockings, so a product can run on either (Tile, UseTile). An A micro-panel
    // (MR x KC) stays in L1 while a packed B block (KC x NC) streams from L2 once per MR rows of A.
    private static readonly GemmBlocking TallBlocking = GemmBlocking.For(Path, GemmTile.Tall12x32);
    private static readonly GemmBlocking WideBlocking = GemmBlocking.For(Path, GemmTile.Wide8x48);

    private static GemmBlocking BlockingFor(GemmTile tile) => tile == GemmTile.Wide8x48 ? WideBlocking : TallBlocking;

    // 0, or the tile UseTile set on this thread, plus one.
    [ThreadStatic] private static int _tileOverride;

    /// <summary>The tile the products this thread starts run on: <see cref="Blocking"/>'s, unless <see cref="UseTile"/> set another.</summary>
    internal static GemmTile Tile => _tileOverride != 0 ? (GemmTile)(_tileOverride - 1) : Blocking.Tile;

    /// <summary>
    /// The tile a product with <paramref name="n"/> columns runs on: <see cref="Tile"/>, except that the 8 x 48 tile
    /// hands a product of under three 48-column panels that are not all whole to the 12 x 32 (n = 128 is 48 + 48 + 32
    /// there, 4 x 32 on the 12 x 32: 0-4 % slower in quiet rounds on one core of a Xeon, model 207, where 96³ and
    /// 256³ were even or faster; bench/results/2026-12-07-k848-s9-xeon-family6-model207/NOTES.md).
    /// A tile set by <see cref="UseTile"/> is always used, so tests reach both tiles at every size.
    /// </summary>
    private static GemmTile TileFor(int n)
    {
        var tile = Tile;
        return _tileOverride == 0 && tile == GemmTile.Wide8x48 && n < 3 * 48 && n % 48 != 0 ? GemmTile.Tall12x32 : tile;
    }

    /// <summary>
    /// Runs the products this thread starts on <paramref name="tile"/> until the scope is disposed, so tests can check
    /// both AVX-512 tiles on one CPU (each element sees the same operations on either, so the bits agree).
    /// </summary>
    internal static TileScope UseTile(GemmTile tile)
    {
        var scope = new TileScope(_tileOverride);
        _tileOverride = (int)tile + 1;
        return scope;
    }

    /// <summary>Puts back the tile that was in force before <see cref="UseTile"/>.</summary>
    internal readonly struct TileScope(int saved) : IDisposable
    {
        public void Dispose() => _tileOverride = saved;
    }

    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, void> Kernel = Path switch
    {
        GemmPath.Vector512 => &GemmMicroKernels.Vector512Kernel<Rows12, PanelA>,
        GemmPath.Vector256 => &GemmMicroKernels.Vector256Kernel,
        _ => &GemmMicroKernels.ScalarKernel,
    };

    // Kernels for panels of 4 and 8 rows (edges of A, small m such as a batch of 32 or 8 filters),
    // which store in place instead of through the scratch tile, and the three row counts again for an
    // A stored [m, k] read in place; only the widest path has them.
    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, void> Kernel4 =
        Path == GemmPath.Vector512 ? &GemmMicroKernels.Vector512Kernel<Rows4, PanelA> : null;
    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, void> Kernel8 =
        Path == GemmPath.Vector512 ? &GemmMicroKernels.Vector512Kernel<Rows8, PanelA> : null;
    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, void> RowsKernel4 =
        Path == GemmPath.Vector512 ? &GemmMicroKernels.Vector512Kernel<Rows4, RowsA> : null;
    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, void> RowsKernel8 =
        Path == GemmPath.Vector512 ? &GemmMicroKernels.Vector512Kernel<Rows8, RowsA> : null;
    private static readonly delegate*<int, float*, int, float*, int, float*, int, bool, void> RowsKernel12 =
        Path == GemmPath.Vector512 ? &GemmMicroKernels.Vector512Kernel<Rows12, RowsA> : null;

    /// <summary>
    /// Row splits fall on multiples of this: 4 where the 4- and 8-row kernels finish a part's last panel
    /// (every kernel computes an element alike, so where a part ends never changes a result), else the
    /// tile height. Whole 12-row tiles split 512 rows 264 and 248, the first part 6 % longer than an even
    /// split and its thread the one the other waits for (two threads, Xeon model 207: the slowest part's
    /// CPU time 0.97 of the 12-row split at 512³, 0.98 at 1024 x 256 x 784 A·Bᵀ).
    /// </summary>
    private static readonly int RowAlign = Kernel4 != null ? 4 : Blocking.MR;

    /// <summary>
    /// Up to this many rows of A (per part), a B stored [k, n] is read in place rather than packed: three of the
    /// 12 x 32 tile's rows of panels on AVX-512 (measured with it; the 8 x 48 tile keeps the same rule so both
    /// take the same paths), three tiles' rows on the other paths.
    /// </summary>
    private static readonly int InPlaceBRows = 3 * TallBlocking.MR;

    /// <summary>
    /// An A·Bᵀ product with at most this many outputs runs as dot products (measured: 8 x 9 outputs
    /// over k = 676 from 12 to 2 µs; 16 x 72 over k = 121 is faster packed).
    /// </summary>
    internal const long DirectOutputs = 32 * 32;

    /// <summary>Products below this many multiply-adds skip the packing.</summary>
    internal const long DirectMacs = 32 * 1024;

    /// <summary>
    /// Each extra thread needs at least this many multiply-adds (about 5 µs of work) so handing it a
    /// part pays off; the pool's workers spin briefly between kernels, so a hand-off costs about a
    /// microsecond during a training step.
    /// </summary>
    internal const long MacsPerThread = 1 << 18;

    /// <summary>
    /// The per-thread threshold for products of a few rows (matrix-vector products, batch-1
    /// inference): they stream the other operand once, so they are memory-bound and a second core's
    /// cache and bandwidth pay off at a smaller size (measured: 784 x 256 from 8.5 to 4.9 µs).
    /// </summary>
    internal const long DirectMacsPerThread = 1 << 14;

    [ThreadStatic] private static float[]? _packBuffer;

    private struct Args
    {
        public float* A, B, C;
        public int M, N, K;
        public bool TransA, TransB, Accumulate, SplitN;
        public int Parts;
        public GemmTile Tile;
        public GemmEpilogue Epilogue;
    }

    /// <param name="transA">A is stored [k, m] instead of [m, k].</param>
    /// <param name="transB">B is stored [n, k] instead of [k, n].</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    public static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
        => Run(transA, transB, m, n, k, a, b, c, accumulate, parts: 0);

    /// <summary>
    /// As <see cref="Run(bool, bool, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>;
    /// <paramref name="parts"/> &gt; 0 forces the number of parts C is cut into (tests use it to show the
    /// split never changes a result), 0 picks it from the size and <see cref="KernelThreads.Count"/>.
    /// <paramref name="epilogue"/> finishes each element after its last k block (<see cref="GemmEpilogue"/>).
    /// </summary>
    internal static void Run(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate, int parts, GemmEpilogue epilogue = default)
    {
        if (m == 0 || n == 0) return;
        if (c.Length < (long)m * n || (k > 0 && (a.Length < (long)m * k || b.Length < (long)k * n)))
            throw new ArgumentException($"Gemm: spans too short for m={m}, n={n}, k={k}; got A {a.Length}, B {b.Length}, C {c.Length}");
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            fixed (float* pc = c) epilogue.Apply(pc, n, 0, m, 0, n);
            return;
        }

        // A single row or column reads the same whichever way it is stored.
        if (m == 1) transA = false;
        if (n == 1) transB = true;
        long macs = (long)m * n * k;
        // A·Bᵀ with few outputs (a convolution's weight gradient, a 10-way output layer) is a set of
        // long dot products of rows both stored contiguously: packing would transpose B for nothing.
        bool direct = macs < DirectMacs || m <= 4 || (transB && !transA && (long)m * n <= DirectOutputs);
        // A small batch times a weight stored [n, k] runs as its transpose, the weight read in place.
        if (!direct && transB && !transA && GemmTransposedProduct.Suits(m, n, k))
        {
            GemmTransposedProduct.Run(a, b, m, n, k, c, accumulate, parts, epilogue);
            return;
        }
        // A batch through a classifier's few outputs: the packed path's 32- or 48-wide tiles would be mostly empty.
        if (!direct && transB && !transA && GemmNarrowProduct.Suits(m, n, k))
        {
            GemmNarrowProduct.Run(a, b, m, n, k, c, accumulate, parts, epilogue);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new Args
            {
                A = pa, B = pb, C = pc, M = m, N = n, K = k,
                TransA = transA, TransB = transB, Accumulate = accumulate, Epilogue = epilogue, Tile = TileFor(n),
            };
            if (!direct && transB && !transA && m <= DotTileRows && k >= 64 && DotTiles.IsSupported)
            {
                args.Parts = parts > 0 ? parts : ParallelPartition.Parts(macs, MacsPerThread, (n + 3) / 4);
                ParallelPool.Run(args.Parts, &DotTilePart, &args);
            }
            else if (direct)
            {
                args.SplitN = true;
                args.Parts = parts > 0 ? parts
                    : macs < DirectMacs ? 1
                    : ParallelPartition.Parts(macs, m <= 4 ? DirectMacsPerThread : MacsPerThread, (n + 15) / 16);
                ParallelPool.Run(args.Parts, &DirectPart, &args);
            }
            else
            {
                var blocking = BlockingFor(args.Tile);
                int mTiles = (m + blocking.MR - 1) / blocking.MR, nTiles = (n + blocking.NR - 1) / blocking.NR;
                // One part per thread: every part packs its own copy of the operand it shares with
                // the others, so more parts cost more packing than they win back in balance
                // (measured at n = 512 on two threads: 197 GFLOP/s in 2 parts, 186 in 8).
                args.Parts = parts > 0 ? parts : ParallelPartition.Parts(macs, MacsPerThread, Math.Max(mTiles, nTiles));
                args.SplitN = SplitColumns(m, n, k, transA, args.Parts, mTiles, nTiles, blocking.NC);
                ParallelPool.Run(args.Parts, &PackedPart, &args);
            }
        }
    }

    /// <summary>
    /// Up to this many rows of A, A·Bᵀ skips the packed path, which would transpose all of B to use each panel
    /// a few times: as its transpose B·Aᵀ (<see cref="GemmTransposedProduct"/>) from 24 rows of A against
    /// more than this many rows of B, else as 4 x 4 blocks of dot products (<see cref="DotTiles"/>).
    /// </summary>
    internal const int DotTileRows = 64;

    private static void DotTilePart(int part, void* state)
    {
        ref readonly var g = ref *(Args*)state;
        var (n0, n1) = ParallelPartition.Range(g.N, g.Parts, part, 4);
        if (n1 > n0) DotTiles.Run(g.A, g.B, g.M, g.K, g.N, n0, n1, g.C, g.Accumulate);
        g.Epilogue.Apply(g.C, g.N, 0, g.M, n0, n1 - n0);
    }

    /// <summary>
    /// Whether <paramref name="parts"/> parts should split C's columns rather than its rows: the split
    /// that moves fewer floats in all. Splitting rows makes every part pack all of B (k·n); splitting
    /// columns makes every part pack all of A (m·k) once per column block of its own range. Where A is
    /// read in place nothing of it is packed, but every part still streams all of A once per column
    /// block, a kernel's loads from lines L2 may not hold, so that read is weighed as a packing
    /// (measured on two cores of a Xeon, model 207: a batch of 1024
    /// through a 784 x 256 layer, 1024 x 256 x 784 A·Bᵀ, from 1448 to 1337 µs by rows; 1024 x 128 x 10
    /// from 60 to 15 µs; 256 x 1024 x 512 stays by columns, 959 µs by rows against 915; the
    /// 784-256-128-10 MLP at batch 1024, inference from 2553 to 2145 µs and a training step from 5505
    /// to 5034 µs). A tie (a square product, or 128 x 128 x 256 A·Bᵀ at batch 128) goes to columns:
    /// each part packs only its half of B, and whole 32-column tiles split evenly where rows come in
    /// 12-row tiles (128 rows: 72 and 56). The slowest part's CPU time on two threads, columns against
    /// rows: 256³ 0.94, 512³ 0.98, 1024³ 0.98, 2048³ 0.98, 128 x 128 x 256 A·Bᵀ 0.79. (Reverting this
    /// tie once, 512³ by rows read 894 µs against 1394-1443 by columns, but the runs met the host in
    /// different states: a later run read 1467 µs by rows beside libtorch's same 1126-1186 µs.)
    /// </summary>
    private static bool SplitColumns(int m, int n, int k, bool transA, int parts, int mTiles, int nTiles, int nc)
    {
        if (parts <= 1 || mTiles < parts) return true;
        if (nTiles < parts) return false;
        long nPart = (n + parts - 1) / parts, mPart = (m + parts - 1) / parts;
        long readsOfA = (long)m * k * ((nPart + nc - 1) / nc);
        if (Kernel4 != null && !transA) return readsOfA <= (long)k * n;
        long byRows = (long)k * n + mPart * k * ((n + nc - 1) / nc);
        long byColumns = nPart * k + readsOfA;
        return byColumns < byRows;
    }

    private static void PackedPart(int part, void* state)
    {
        ref readonly var g = ref *(Args*)state;
        if (g.SplitN)
        {
            // The 8 x 48 tile splits on whole vectors rather than whole tiles: its parts end in 16- or 32-column
            // panels at full speed (TailFrom), and 48-column steps left the parts of 1024 columns 528 and 496 wide.
            var blocking = BlockingFor(g.Tile);
            int align = Kernel4 != null && blocking.Tile == GemmTile.Wide8x48 ? 16 : blocking.NR;
            var (n0, n1) = ParallelPartition.Range(g.N, g.Parts, part, align);
            if (n1 > n0) Packed(in g, 0, g.M, n0, n1);
        }
        else
        {
            var (m0, m1) = ParallelPartition.Range(g.M, g.Parts, part, RowAlign);
            if (m1 > m0) Packed(in g, m0, m1, 0, g.N);
        }
    }

    /// <summary>C[m0..m1, n0..n1) by blocks: pack B (kc x nc), pack A (mc x kc), then tile by tile.</summary>
    private static void Packed(in Args g, int m0, int m1, int n0, int n1)
    {
        var blocking = BlockingFor(g.Tile);
        int mr = blocking.MR, nr = blocking.NR, n = g.N, k = g.K;
        bool wide = Kernel4 != null && blocking.Tile == GemmTile.Wide8x48;
        // Equal k blocks (k = 784 gives 4 x 196, not 3 x 256 + 16): this depends on k alone, so it
        // never changes the order of the sum.
        int kBlocks = (k + blocking.KC - 1) / blocking.KC;
        int kcMax = (k + kBlocks - 1) / kBlocks;
        float* aBuf = PackBuffer(out float* bBuf, out float* tile);
        // With few rows of A, each B panel is read once or twice: packing it would copy more than it
        // saves, so full-width panels of a B stored [k, n] are read in place, n apart (this is the
        // shape of a convolution's forward pass and of a small batch's input gradient).
        bool inPlaceB = !g.TransB && m1 - m0 <= InPlaceBRows;
        // The widest path reads an A stored [m, k] where it lies, with a kernel that walks 12 (or 8) rows
        // at once: its broadcasts are loads either way. Packing that A cost up to a quarter of the time
        // where each A panel meets few B panels (measured on one core of a Xeon, model 207:
        // 768 x 128 x 512 from 65 to 87 % of the FMA peak, 1024³ from 79 to 85 %, 128³ from 69 to
        // 83 %). A transposed A is still packed: read in place, each step of a panel is another line
        // m floats on, and for m = 1024 all kc lines fall in one L1 set (1024³ from 80 to 68 %).
        bool inPlaceA = Kernel4 != null && !g.TransA;
        // The 8 x 48 tile's NC (480) leaves a sliver of 1024 or 2048 columns (64, 128) as a last block that
        // re-reads all of A for little work; equal blocks of whole panels avoid it (1024 as 384 + 384 + 256).
        int ncStep = wide ? EqualBlocks(n1 - n0, blocking.NC, nr) : blocking.NC;
        for (int jc = n0; jc < n1; jc += ncStep)
        {
            int nc = Math.Min(ncStep, n1 - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                // Panels are nr wide up to tailFrom and TailWidth wide after it; panel jr's packed values start at jr·kc.
                int tailFrom = wide ? TailFrom(nc, nr) : nc;
                int fullCols = tailFrom < nc ? nc - (nc - tailFrom) % TailWidth : nc - nc % nr;
                if (!inPlaceB)
                {
                    GemmPack.B(g.TransB, g.B, k, n, pc, kc, jc, tailFrom, nr, bBuf);
                    if (tailFrom < nc) GemmPack.B(g.TransB, g.B, k, n, pc, kc, jc + tailFrom, nc - tailFrom, TailWidth, bBuf + (long)tailFrom * kc);
                }
                else if (fullCols < nc)
                    GemmPack.B(false, g.B, k, n, pc, kc, jc + fullCols, nc - fullCols, fullCols < tailFrom ? nr : TailWidth, bBuf + (long)fullCols * kc);
                bool add = g.Accumulate || pc > 0;
                for (int ic = m0; ic < m1; ic += blocking.MC)
                {
                    int mc = Math.Min(blocking.MC, m1 - ic);
                    // Panels read in place need a kernel of exactly their height; a last panel of
                    // another height is packed.
                    int inPlaceRows = inPlaceA ? mc - mc % mr : 0;
                    if (inPlaceA && mc % mr % 4 == 0) inPlaceRows = mc;
                    // A transposed A's full panels are packed by the first kernel that reads each one
                    // (GemmMicroKernels.Vector512KernelPacking), so their loads overlap its FMAs
                    // (512 x 128 x 768 TN from 762 to 698 µs). Not when rows of A lie a multiple of
                    // 4 KB apart: then every step of the panel falls into one L1 set, and the rows the
                    // kernel fetches ahead evict each other (1024³ TN from 15.4 to 15.9 ms).
                    int copiedRows = g.TransA && Kernel4 != null && g.M % 1024 != 0 ? mc - mc % mr : 0;
                    int packFrom = Math.Max(inPlaceRows, copiedRows);
                    if (packFrom < mc)
                        GemmPack.A(g.TransA, g.A, g.M, k, ic + packFrom, mc - packFrom, pc, kc, mr, aBuf + (long)packFrom * kc);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        bool aIn = ir < inPlaceRows;
                        float* ap = !aIn ? aBuf + (long)ir * kc
                            : g.A + (long)(ic + ir) * k + pc;
                        int lda = aIn ? k : mr;
                        float* aSource = g.A + (long)pc * g.M + ic + ir;
                        float* cRow = g.C + (long)(ic + ir) * n + jc;
                        for (int jr = 0, width; jr < nc; jr += width)
                        {
                            width = jr < tailFrom ? nr : TailWidth;
                            int cols = Math.Min(width, nc - jr);
                            bool inPlace = inPlaceB && jr < fullCols;
                            float* bp = inPlace ? g.B + (long)pc * n + jc + jr : bBuf + (long)jr * kc;
                            int ldb = inPlace ? n : width;
                            bool copy = jr == 0 && ir < copiedRows;
                            if (wide)
                            {
                                // 16, 32 or 48 columns computed; a tile of whole vectors and 4 or 8 rows is written in place.
                                int vectors = (cols + 15) >> 4;
                                bool inC = cols == vectors * 16 && rows % 4 == 0;
                                GemmWideKernel.For(rows, vectors, aIn, copy)(kc, copy ? aSource : ap, copy ? g.M : lda,
                                    bp, ldb, inC ? cRow + jr : tile, inC ? n : nr, inC && add, copy ? ap : null);
                                if (!inC) CopyEdge(tile, nr, cRow + jr, n, rows, cols, add);
                            }
                            else if (cols == nr && (rows == mr || (Kernel4 != null && rows % 4 == 0)))
                            {
                                if (copy) GemmMicroKernels.Vector512KernelPacking(kc, aSource, g.M, bp, ldb, cRow + jr, n, add, ap);
                                else KernelFor(rows, aIn)(kc, ap, lda, bp, ldb, cRow + jr, n, add);
                            }
                            else
                            {
                                // Edge tile: into scratch, then the valid part, with the same adds.
                                if (copy) GemmMicroKernels.Vector512KernelPacking(kc, aSource, g.M, bp, ldb, tile, nr, false, ap);
                                else KernelFor(rows, aIn)(kc, ap, lda, bp, ldb, tile, nr, false);
                                CopyEdge(tile, nr, cRow + jr, n, rows, cols, add);
                            }
                            // The tile's sums are complete after the last k block: finish it while it is in L1.
                            if (pc + kc == k) g.Epilogue.Apply(g.C, n, ic + ir, rows, jc + jr, cols);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The width of the 8 x 48 tile's last panels where a block's columns end in a 16-column remainder or less.</summary>
    private const int TailWidth = 32;

    /// <summary>The width of <paramref name="width"/> columns' blocks when split as evenly as whole <paramref name="nr"/> panels allow, none wider than <paramref name="nc"/>.</summary>
    private static int EqualBlocks(int width, int nc, int nr)
    {
        int blocks = (width + nc - 1) / nc;
        return Math.Min(nc, ((width + blocks - 1) / blocks + nr - 1) / nr * nr);
    }

    /// <summary>
    /// Where a block of <paramref name="nc"/> columns switches from 48-wide panels to <see cref="TailWidth"/>-wide
    /// ones (<paramref name="nc"/> where it never does). A remainder of 1-16 columns after the last 48 would run the
    /// 16-column kernel, 8 FMAs per 9 loads with only 8 accumulators to hide the FMA latency; the last 48 columns
    /// and the remainder as 32-wide panels compute as many columns at 16 FMAs per 10 loads (n = 256 as 4 x 48 +
    /// 2 x 32 rather than 5 x 48 + 16). Each element's sum is the same on any panel, so this never changes a bit.
    /// </summary>
    private static int TailFrom(int nc, int nr)
    {
        int rest = nc % nr;
        return rest is > 0 and <= 16 && nc > nr ? nc - rest - nr : nc;
    }

    /// <summary>An edge tile's valid <paramref name="rows"/> x <paramref name="cols"/> from scratch into C, stored or added as a kernel would.</summary>
    private static void CopyEdge(float* tile, int ldt, float* c, int ldc, int rows, int cols, bool add)
    {
        for (int r = 0; r < rows; r++)
        {
            var cr = new Span<float>(c + (long)r * ldc, cols);
            var tr = new ReadOnlySpan<float>(tile + r * ldt, cols);
            if (add) TensorPrimitives.Add(cr, tr, cr);
            else tr.CopyTo(cr);
        }
    }

    /// <summary>The kernel with the fewest rows that still covers <paramref name="rows"/> (each computes an element alike).</summary>
    private static delegate*<int, float*, int, float*, int, float*, int, bool, void> KernelFor(int rows, bool aInRows) =>
        aInRows ? (rows > 8 ? RowsKernel12 : rows > 4 ? RowsKernel8 : RowsKernel4)
        : Kernel4 == null || rows > 8 ? Kernel : rows > 4 ? Kernel8 : Kernel4;

    /// <summary>This thread's packing space (A block, B block, one tile), 64-byte aligned, made once per thread.</summary>
    private static float* PackBuffer(out float* bBuf, out float* tile)
    {
        // Room for either tile's blocks, so a thread's buffer serves both.
        int aLen = Math.Max(TallBlocking.MC * TallBlocking.KC, WideBlocking.MC * WideBlocking.KC);
        int bLen = Math.Max(TallBlocking.KC * TallBlocking.NC, WideBlocking.KC * WideBlocking.NC);
        int tLen = Math.Max(TallBlocking.MR * TallBlocking.NR, WideBlocking.MR * WideBlocking.NR);
        var buffer = _packBuffer ??= GC.AllocateUninitializedArray<float>(aLen + bLen + tLen + 48, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        p = (float*)(((nint)p + 63) & ~(nint)63);
        bBuf = p + aLen;
        tile = bBuf + bLen;
        return p;
    }

    /// <summary>
    /// Columns of C straight from the operands: rows of B scaled and added (B as stored), or dot
    /// products (B transposed). Best for small products and a few rows, where packing would cost more
    /// than it saves.
    /// </summary>
    private static void DirectPart(int part, void* state)
    {
        ref readonly var g = ref *(Args*)state;
        var (n0, n1) = ParallelPartition.Range(g.N, g.Parts, part, 16);
        int m = g.M, n = g.N, k = g.K, width = n1 - n0;
        if (width <= 0) return;
        if (!g.TransB)
        {
            for (int i = 0; i < m; i++)
            {
                var cRow = new Span<float>(g.C + (long)i * n + n0, width);
                if (!g.Accumulate) cRow.Clear();
                for (int p = 0; p < k; p++)
                {
                    float aip = g.TransA ? g.A[(long)p * m + i] : g.A[(long)i * k + p];
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(g.B + (long)p * n + n0, width), aip, cRow, cRow);
                }
                g.Epilogue.Apply(g.C, n, i, 1, n0, width);
            }
            return;
        }
        float[]? gathered = g.TransA ? ArrayPool<float>.Shared.Rent(k) : null;
        try
        {
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> aRow;
                if (gathered is null) aRow = new ReadOnlySpan<float>(g.A + (long)i * k, k);
                else
                {
                    for (int p = 0; p < k; p++) gathered[p] = g.A[(long)p * m + i];
                    aRow = gathered.AsSpan(0, k);
                }
                fixed (float* pa = aRow) DotRows.Run(pa, g.B, k, n0, n1, g.C + (long)i * n, g.Accumulate);
                g.Epilogue.Apply(g.C, n, i, 1, n0, width);
            }
        }
        finally
        {
            if (gathered is not null) ArrayPool<float>.Shared.Return(gathered);
        }
    }
}
