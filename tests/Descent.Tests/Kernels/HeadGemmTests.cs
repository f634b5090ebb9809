using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The attention heads' in-place products against a naive product, with every operand a block of a wider
/// matrix (row strides past the width), as a head lies in a layer's projection. CI reruns the kernel tests
/// on the AVX2 and scalar paths.
/// </summary>
public unsafe class HeadGemmTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        // A layer's heads (64 × 64 × 32, 64 × 32 × 64), full 12-row tiles and the 8- and 4-row ones, rows past the
        // last 4 and columns past the last 32, single rows, columns and steps, k = 0, and a long k.
        int[][] shapes =
        [
            [64, 64, 32], [64, 32, 64], [12, 32, 5], [20, 64, 7], [8, 32, 3], [4, 96, 16], [67, 35, 9], [3, 31, 4],
            [1, 1, 1], [1, 40, 3], [13, 1, 6], [5, 17, 0], [36, 64, 300], [29, 70, 2],
        ];
        foreach (var s in shapes) data.Add(s[0], s[1], s[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceWithStridesForBothLayoutsOfA(int m, int n, int k)
    {
        int seed = m * 7919 + n * 104729 + k;
        foreach (bool transA in new[] { false, true })
            foreach (bool add in new[] { false, true })
            {
                // Stored A is [m, k] or [k, m], each operand inside rows of a wider matrix, from a column past 0.
                int aRows = transA ? k : m, aCols = transA ? m : k;
                int lda = aCols + 5, ldb = n + 3, ldc = n + 7;
                var a = GemmReference.Random(aRows * lda + 2, seed);
                var b = GemmReference.Random(k * ldb + 1, seed + 1);
                var c = GemmReference.Random(m * ldc + 1, seed + 2);
                var before = (float[])c.Clone();
                fixed (float* pa = a, pb = b, pc = c)
                    HeadGemm.Run(transA, m, n, k, pa + 2, lda, pb + 1, ldb, pc + 1, ldc, add);

                var denseA = new float[aRows * aCols];
                for (int r = 0; r < aRows; r++) Array.Copy(a, 2 + r * lda, denseA, r * aCols, aCols);
                var denseB = new float[k * n];
                for (int r = 0; r < k; r++) Array.Copy(b, 1 + r * ldb, denseB, r * n, n);
                var c0 = new float[m * n];
                for (int r = 0; r < m; r++) Array.Copy(before, 1 + r * ldc, c0, r * n, n);
                var reference = GemmReference.Multiply(transA, false, m, n, k, denseA, denseB, add ? c0 : null);
                var got = new float[m * n];
                for (int r = 0; r < m; r++) Array.Copy(c, 1 + r * ldc, got, r * n, n);
                GemmReference.AssertClose(got, reference, m, n, k);

                // Nothing outside C's block is written: the gaps between its rows are another head's columns.
                for (int i = 0; i < c.Length; i++)
                {
                    int row = (i - 1) / ldc, col = (i - 1) % ldc;
                    if (i == 0 || row >= m || col >= n) Assert.Equal(before[i], c[i]);
                }
            }
    }

    [Fact]
    public void EveryElementIsTheSameWhicheverTileItFallsIn()
    {
        // Row 0 of a 13-row product is computed in a full tile on AVX-512 and AVX2, row 12 by the edge code; with the
        // same A row in both places, both rows of C must carry the same bits (the results depend on the shape alone).
        const int m = 13, n = 40, k = 37;
        var a = GemmReference.Random(m * k, 3);
        Array.Copy(a, 0, a, 12 * k, k);
        var b = GemmReference.Random(k * n, 4);
        var c = new float[m * n];
        fixed (float* pa = a, pb = b, pc = c) HeadGemm.Run(false, m, n, k, pa, k, pb, n, pc, n);
        Assert.Equal(c.AsSpan(0, n).ToArray(), c.AsSpan(12 * n, n).ToArray());
    }

    [Theory]
    [InlineData(64, 64, 32)]
    [InlineData(64, 32, 64)]
    [InlineData(11, 40, 9)]
    [InlineData(17, 33, 5)]
    [InlineData(3, 16, 4)]
    public void EveryElementIsItsStepsFusedInOrderFromZero(int m, int n, int k)
    {
        // Whatever tile an element falls in (AVX-512's 12-, 8- and 4-row ones, AVX2's 6 x 16 and 4 x 16, the edge
        // code's vectors and single columns), it is k fused multiply-adds in order from zero, then the add to C:
        // bit for bit the plain loop below. m = 11 puts rows in AVX2's 6-row tile, its 4-row tile and the edge.
        int seed = m * 31 + n * 7 + k;
        foreach (bool transA in new[] { false, true })
            foreach (bool add in new[] { false, true })
            {
                int lda = (transA ? m : k) + 3, ldb = n + 1, ldc = n + 2;
                var a = GemmReference.Random((transA ? k : m) * lda, seed);
                var b = GemmReference.Random(k * ldb, seed + 1);
                var c = GemmReference.Random(m * ldc, seed + 2);
                var expected = (float[])c.Clone();
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        float sum = 0;
                        for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(transA ? a[p * lda + i] : a[i * lda + p], b[p * ldb + j], sum);
                        expected[i * ldc + j] = add ? expected[i * ldc + j] + sum : sum;
                    }
                fixed (float* pa = a, pb = b, pc = c) HeadGemm.Run(transA, m, n, k, pa, lda, pb, ldb, pc, ldc, add);
                Assert.Equal(expected, c);
            }
    }

    [Theory]
    [InlineData(64, 32, 96)]
    [InlineData(64, 32, 32)]
    [InlineData(19, 27, 30)]
    [InlineData(7, 5, 9)]
    [InlineData(37, 20, 21)]
    [InlineData(1, 3, 3)]
    public void TransposeOfABlock(int rows, int cols, int ld)
    {
        var src = GemmReference.Random(rows * ld, rows + cols);
        var dst = new float[rows * cols];
        fixed (float* ps = src, pd = dst) HeadGemm.Transpose(ps, ld, rows, cols, pd);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) Assert.Equal(src[r * ld + c], dst[c * rows + r]);
    }
}
