using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class GemmTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int s in new[] { 1, 2, 7, 15, 31, 33, 65, 127, 257 }) data.Add(s, s, s);
        // Non-square mixes: single rows and columns, k = 1 and 2, edges of every tile and block
        // (k = 300 and 513 cross the k-block, n = 600 the column block, m = 200 the row block).
        int[][] mixes =
        [
            [1, 257, 33], [257, 1, 65], [3, 65, 127], [5, 33, 31], [7, 33, 257], [33, 7, 127],
            [127, 65, 1], [65, 127, 2], [31, 15, 300], [200, 40, 513], [13, 600, 300], [40, 31, 65],
            [100, 3, 100], [2, 1000, 7],
            // Row panels of exactly 4 and 8 (m mod 12), which the widest path stores in place: a batch
            // of 32, 8 or 16 filters, and a panel of 4 after a full row block (m = 100 = 96 + 4).
            [32, 256, 70], [8, 99, 9], [16, 40, 72], [20, 64, 33], [100, 64, 40], [44, 32, 300],
            // A read in place by the widest path: a last panel of 4 or 8 rows in place, of 1-3, 5-7 or
            // 9-11 packed, after full row blocks, over several k blocks and column blocks.
            [104, 70, 530], [98, 33, 257], [107, 1100, 20], [192, 96, 1024], [28, 45, 260],
            // A transposed A: packed by the kernel of the first B panel, also when that panel is an
            // edge tile (n < 32), and packed ahead of the kernels when its rows lie 4 KB apart.
            [60, 20, 300], [1024, 40, 70],
            // A·Bᵀ with 24-64 rows of A, run as its transpose B·Aᵀ (a small batch through a Linear layer):
            // edge rows and columns of the transposed product, the fewest and most rows that take it.
            [40, 130, 100], [24, 65, 64], [64, 100, 300], [23, 70, 64],
            // A·Bᵀ with at most 16 columns and more than 64 rows (a batch through a classifier's output layer):
            // twelve rows at a time and the rows left over, 1 to 16 columns.
            [65, 10, 128], [300, 7, 40], [100, 16, 513], [400, 3, 300], [1100, 1, 60],
        ];
        foreach (var s in mixes) data.Add(s[0], s[1], s[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceForEveryTransposeAndAccumulate(int m, int n, int k)
    {
        int seed = m * 7919 + n * 104729 + k;
        var a = GemmReference.Random(m * k, seed);
        var b = GemmReference.Random(k * n, seed + 1);
        var c0 = GemmReference.Random(m * n, seed + 2);
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var c = (float[])c0.Clone();
                    Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate);
                    var reference = GemmReference.Multiply(transA, transB, m, n, k, a, b, accumulate ? c0 : null);
                    GemmReference.AssertClose(c, reference, m, n, k);
                }
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(40, 70)]
    public void EmptyInnerDimensionClearsOrKeeps(int m, int n)
    {
        var c0 = GemmReference.Random(m * n, 5);
        var c = (float[])c0.Clone();
        Gemm.Run(false, false, m, n, 0, [], [], c, accumulate: true);
        Assert.Equal(c0, c);
        Gemm.Run(true, true, m, n, 0, [], [], c);
        Assert.All(c, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void WritesOnlyItsPartOfALongerDestination()
    {
        int m = 37, n = 45, k = 50;
        var a = GemmReference.Random(m * k, 1);
        var b = GemmReference.Random(k * n, 2);
        var c = Enumerable.Repeat(7f, m * n + 10).ToArray();
        Gemm.Run(false, false, m, n, k, a, b, c);
        Assert.All(c[(m * n)..], x => Assert.Equal(7f, x));
    }

    [Fact]
    public void DotProductBlocksCountTheOverlappedTailOnce()
    {
        // A·Bᵀ with few rows runs as 4x4 dot-product blocks whose last step re-reads the final 16
        // floats of k with the lanes already summed masked off: an infinity there must be counted once
        // (not turned into NaN by a masked zero), and 0·inf in the real tail must still give NaN.
        int m = 8, n = 8, k = 70;
        var a = GemmReference.Random(m * k, 11);
        var b = GemmReference.Random(n * k, 12);   // B stored [n, k]
        a[0 * k + 60] = 1f;
        b[1 * k + 60] = float.PositiveInfinity;    // summed in the main loop, masked in the tail step
        a[2 * k + 65] = 0f;
        b[3 * k + 65] = float.PositiveInfinity;    // only in the tail step: 0 · inf
        var c = new float[m * n];
        Gemm.Run(false, true, m, n, k, a, b, c);
        Assert.Equal(float.PositiveInfinity, c[0 * n + 1]);
        Assert.True(float.IsNaN(c[2 * n + 3]), $"{c[2 * n + 3]}");
        var finite = GemmReference.Multiply(false, true, m, n, k, a, b, null);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (j != 1 && j != 3)
                    Assert.Equal(finite.Value[i * n + j], c[i * n + j], 1e-4 * (1 + finite.Scale[i * n + j]));
    }

    [Fact]
    public void PropagatesNaNAndInfinityLikeAPlainSum()
    {
        foreach (var (m, n, k) in new[] { (2, 3, 4), (40, 50, 60) })
        {
            var a = GemmReference.Random(m * k, 3);
            var b = GemmReference.Random(k * n, 4);
            a[0] = 0f;                      // 0 · inf must still give NaN, as in a plain sum
            b[1] = float.PositiveInfinity;  // op(B)[0, 1]
            var c = new float[m * n];
            Gemm.Run(false, false, m, n, k, a, b, c);
            Assert.True(float.IsNaN(c[1]), $"{m}x{n}x{k}: {c[1]}");
            Assert.True(float.IsInfinity(c[n + 1]), $"{m}x{n}x{k}: {c[n + 1]}");
        }
    }

    [Fact]
    public void RejectsShortSpans()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Run(false, false, 2, 3, 4, new float[7], new float[12], new float[6]));
        Assert.Contains("Gemm", ex.Message);
    }

    [Theory]
    [InlineData(257, 257, 257)]
    [InlineData(200, 600, 300)]
    [InlineData(1000, 40, 100)]
    [InlineData(3, 2000, 600)]
    [InlineData(65, 129, 31)]
    [InlineData(40, 300, 130)]
    [InlineData(150, 10, 128)]
    public void EveryPartitionGivesIdenticalBits(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            {
                var a = GemmReference.Random(m * k, 11);
                var b = GemmReference.Random(k * n, 12);
                var c0 = GemmReference.Random(m * n, 13);
                float[]? first = null;
                foreach (int parts in new[] { 1, 2, 3, 7 })
                {
                    var c = (float[])c0.Clone();
                    Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate: true, parts);
                    if (first is null) first = c;
                    else Assert.True(first.AsSpan().SequenceEqual(c), $"{parts} parts differ ({transA}, {transB})");
                }
            }
    }

    [Fact]
    public void RepeatedRunsGiveIdenticalBits()
    {
        int m = 300, n = 300, k = 300;
        var a = GemmReference.Random(m * k, 21);
        var b = GemmReference.Random(k * n, 22);
        var first = new float[m * n];
        Gemm.Run(false, true, m, n, k, a, b, first);
        for (int run = 0; run < 3; run++)
        {
            var c = new float[m * n];
            Gemm.Run(false, true, m, n, k, a, b, c);
            Assert.True(first.AsSpan().SequenceEqual(c), $"run {run} differs");
        }
    }

    [Fact]
    public void BlockingFitsTheKernelAndTheCpu()
    {
        var blocking = Gemm.Blocking;
        Assert.Equal(0, blocking.NC % blocking.NR);
        Assert.InRange(blocking.NC, blocking.NR, 512);
        Assert.Equal(0, blocking.MC % blocking.MR);
        Assert.True(blocking.KC >= 64, $"KC {blocking.KC}");
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
            Assert.Matches(@"^\S+ family \d+ model \d+, L2 \d+ KiB$", blocking.Cpu);
    }

    [Fact]
    public void PathMatchesTheInstructionSetsTheRuntimeReports()
    {
        // CI runs this assembly again under DOTNET_EnableAVX512=0 and DOTNET_EnableAVX2=0 and names
        // the path it expects, which proves that each fallback is the one those runs test.
        var expected = Environment.GetEnvironmentVariable("DESCENT_EXPECT_GEMM_PATH");
        if (!string.IsNullOrEmpty(expected)) Assert.Equal(expected, Gemm.Path.ToString());
        else if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Assert.Equal(GemmPath.Vector512, Gemm.Path);
        else if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.Equal(GemmPath.Vector256, Gemm.Path);
        else Assert.Equal(GemmPath.Scalar, Gemm.Path);
    }
}
