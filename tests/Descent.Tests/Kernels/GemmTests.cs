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
            // The 8 x 48 tile's edges: columns past the last 48 in whole vectors of 16 and 32 (stored in place)
            // and not (through scratch), rows in 8s but not 12s, a last panel of 4 rows and of 1-3 or 5-7.
            [40, 16, 70], [36, 32, 300], [24, 64, 33], [100, 112, 257], [20, 96, 9], [88, 80, 300],
            [16, 48, 100], [56, 150, 70], [69, 176, 261], [104, 45, 530], [200, 530, 40],
            // Its last 48 columns and a remainder of 1-16 as 32-wide panels, B packed or (up to 36 rows) read in place.
            [30, 53, 100], [70, 250, 130], [20, 112, 300], [36, 250, 70], [12, 64, 40],
        ];
        foreach (var s in mixes) data.Add(s[0], s[1], s[2]);
        return data;
    }

    /// <summary>Both AVX-512 tiles (on other paths both name the one tile there is).</summary>
    internal static readonly GemmTile[] Tiles = [GemmTile.Tall12x32, GemmTile.Wide8x48];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceForEveryTransposeAndAccumulateOnBothTiles(int m, int n, int k)
    {
        int seed = m * 7919 + n * 104729 + k;
        var a = GemmReference.Random(m * k, seed);
        var b = GemmReference.Random(k * n, seed + 1);
        var c0 = GemmReference.Random(m * n, seed + 2);
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var reference = GemmReference.Multiply(transA, transB, m, n, k, a, b, accumulate ? c0 : null);
                    float[]? first = null;
                    foreach (var tile in Tiles)
                    {
                        var c = (float[])c0.Clone();
                        using (Gemm.UseTile(tile)) Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate);
                        GemmReference.AssertClose(c, reference, m, n, k);
                        // Each element's k steps run in the same order on either tile, so the bits agree.
                        if (first is null) first = c;
                        else Assert.True(first.AsSpan().SequenceEqual(c), $"the tiles differ ({transA}, {transB}, {accumulate})");
                    }
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
    [InlineData(96, 1000, 300)]
    public void EveryPartitionAndTileGivesIdenticalBits(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            {
                var a = GemmReference.Random(m * k, 11);
                var b = GemmReference.Random(k * n, 12);
                var c0 = GemmReference.Random(m * n, 13);
                float[]? first = null;
                foreach (var tile in Tiles)
                    foreach (int parts in new[] { 1, 2, 3, 7 })
                    {
                        var c = (float[])c0.Clone();
                        using (Gemm.UseTile(tile)) Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate: true, parts);
                        if (first is null) first = c;
                        else Assert.True(first.AsSpan().SequenceEqual(c), $"{tile}, {parts} parts differ ({transA}, {transB})");
                    }
            }
    }

    /// <summary>
    /// A·Bᵀ with at most 16 columns and more than 64 rows, where the narrow path takes it (AVX-512 or AVX2): each
    /// element is one fused multiply-add chain over k in order from zero, then added to C or stored, bit for bit.
    /// </summary>
    [Theory]
    [InlineData(150, 10, 128)]
    [InlineData(1024, 10, 128)]
    [InlineData(100, 16, 513)]
    [InlineData(400, 3, 300)]
    [InlineData(300, 7, 300)]
    [InlineData(1100, 1, 60)]
    public void TheNarrowPathIsOneFusedChainPerElement(int m, int n, int k)
    {
        // Fewer outputs or multiply-adds run as dot products before the narrow path is asked.
        Assert.True((long)m * n > Gemm.DirectOutputs && (long)m * n * k >= Gemm.DirectMacs);
        if (!GemmNarrowProduct.Suits(m, n, k)) return;
        var a = GemmReference.Random(m * k, 61);
        var b = GemmReference.Random(n * k, 62);
        var c0 = GemmReference.Random(m * n, 63);
        foreach (bool accumulate in new[] { false, true })
            foreach (int parts in new[] { 0, 1, 2, 3 })
            {
                var c = (float[])c0.Clone();
                Gemm.Run(false, true, m, n, k, a, b, c, accumulate, parts);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        float sum = 0f;
                        for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(a[i * k + p], b[j * k + p], sum);
                        float expected = accumulate ? c0[i * n + j] + sum : sum;
                        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c[i * n + j]),
                            $"[{i}, {j}] {c[i * n + j]} against {expected} (accumulate {accumulate}, {parts} parts)");
                    }
            }
    }

    [Fact]
    public void RepeatedRunsGiveIdenticalBits()
    {
        int m = 300, n = 300, k = 300;
        var a = GemmReference.Random(m * k, 21);
        var b = GemmReference.Random(k * n, 22);
        foreach (var tile in Tiles)
        {
            using var scope = Gemm.UseTile(tile);
            var first = new float[m * n];
            Gemm.Run(false, true, m, n, k, a, b, first);
            for (int run = 0; run < 3; run++)
            {
                var c = new float[m * n];
                Gemm.Run(false, true, m, n, k, a, b, c);
                Assert.True(first.AsSpan().SequenceEqual(c), $"{tile}: run {run} differs");
            }
        }
    }

    [Fact]
    public void BlockingFitsTheKernelAndTheCpu()
    {
        foreach (var blocking in new[] { Gemm.Blocking, GemmBlocking.For(Gemm.Path, GemmTile.Tall12x32), GemmBlocking.For(Gemm.Path, GemmTile.Wide8x48) })
        {
            Assert.Equal(0, blocking.NC % blocking.NR);
            Assert.InRange(blocking.NC, blocking.NR, 512);
            Assert.Equal(0, blocking.MC % blocking.MR);
            Assert.True(blocking.KC >= 64, $"KC {blocking.KC}");
            if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
                Assert.Matches(@"^\S+ family \d+ model \d+, L2 \d+ KiB$", blocking.Cpu);
        }
        if (Gemm.Path == GemmPath.Vector512)
        {
            Assert.Equal((8, 48), (GemmBlocking.For(Gemm.Path, GemmTile.Wide8x48).MR, GemmBlocking.For(Gemm.Path, GemmTile.Wide8x48).NR));
            Assert.Equal((12, 32), (GemmBlocking.For(Gemm.Path, GemmTile.Tall12x32).MR, GemmBlocking.For(Gemm.Path, GemmTile.Tall12x32).NR));
        }
    }

    [Fact]
    public void TileFollowsTheVendorUnlessTheVariableNamesOne()
    {
        Assert.Equal(GemmTile.Wide8x48, GemmBlocking.ChooseTile("GenuineIntel", null));
        Assert.Equal(GemmTile.Tall12x32, GemmBlocking.ChooseTile("AuthenticAMD", ""));
        Assert.Equal(GemmTile.Tall12x32, GemmBlocking.ChooseTile("GenuineIntel", "12x32"));
        Assert.Equal(GemmTile.Wide8x48, GemmBlocking.ChooseTile("AuthenticAMD", " 8x48 "));
        var ex = Assert.Throws<InvalidOperationException>(() => GemmBlocking.ChooseTile("GenuineIntel", "16x32"));
        Assert.Contains(GemmBlocking.TileVariable, ex.Message);
        Assert.Contains("16x32", ex.Message);
        // The process's own choice is the variable's, or the vendor's.
        var setting = Environment.GetEnvironmentVariable(GemmBlocking.TileVariable);
        if (Gemm.Path == GemmPath.Vector512 && !string.IsNullOrWhiteSpace(setting))
            Assert.Equal(setting.Trim() == "8x48" ? GemmTile.Wide8x48 : GemmTile.Tall12x32, Gemm.Blocking.Tile);
    }

    [Fact]
    public void UseTileSetsTheTileForThisThreadUntilDisposed()
    {
        var before = Gemm.Tile;
        using (Gemm.UseTile(GemmTile.Wide8x48))
        {
            Assert.Equal(GemmTile.Wide8x48, Gemm.Tile);
            using (Gemm.UseTile(GemmTile.Tall12x32)) Assert.Equal(GemmTile.Tall12x32, Gemm.Tile);
            Assert.Equal(GemmTile.Wide8x48, Gemm.Tile);
            // Another thread keeps the process's tile.
            GemmTile other = default;
            var thread = new Thread(() => other = Gemm.Tile);
            thread.Start();
            thread.Join();
            Assert.Equal(Gemm.Blocking.Tile, other);
        }
        Assert.Equal(before, Gemm.Tile);
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
