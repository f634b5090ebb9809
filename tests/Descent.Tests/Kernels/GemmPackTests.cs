using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The GEMM's panels of op(B) against their definition, element by element, for both layouts of B and panel
/// widths of the three paths' tiles and more (16, 32, 48): full and partial panels, runs and steps shorter than
/// a register block, and blocks that start inside B. CI reruns the kernel tests on the AVX2 and scalar paths.
/// </summary>
public unsafe class GemmPackTests
{
    public static TheoryData<int, int, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, int, int>();
        // k, n, p0, kc, j0, nc, nr: the MLP's first weight in its 4 k blocks, a block inside B, columns and steps
        // short of 16 and of 8, a single column and step, widths past one panel and a last group of fewer than 16.
        int[][] cases =
        [
            [784, 256, 196, 196, 0, 256, 32], [784, 256, 588, 196, 0, 256, 48], [256, 128, 0, 256, 0, 128, 16],
            [100, 70, 0, 100, 0, 70, 32], [300, 90, 37, 129, 11, 71, 48], [40, 50, 3, 15, 5, 45, 32],
            [9, 20, 0, 9, 0, 20, 16], [33, 17, 1, 31, 0, 17, 32], [1, 1, 0, 1, 0, 1, 32], [64, 100, 16, 16, 3, 97, 48],
        ];
        foreach (var c in cases) data.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PanelsHoldOpBColumnsInOrderPaddedWithZeros(int k, int n, int p0, int kc, int j0, int nc, int nr)
    {
        var b = GemmReference.Random(k * n, k * 31 + n);
        int panels = (nc + nr - 1) / nr;
        foreach (bool transB in new[] { false, true })
        {
            // Filled with NaN first, so a lane the packing leaves unwritten fails.
            var packed = Enumerable.Repeat(float.NaN, panels * nr * kc).ToArray();
            fixed (float* pb = b, pd = packed) GemmPack.B(transB, pb, k, n, p0, kc, j0, nc, nr, pd);
            for (int q = 0; q < panels; q++)
                for (int p = 0; p < kc; p++)
                    for (int c = 0; c < nr; c++)
                    {
                        int j = j0 + q * nr + c;
                        float expected = q * nr + c >= nc ? 0f
                            : transB ? b[j * k + p0 + p] : b[(p0 + p) * n + j];
                        Assert.Equal(expected, packed[(q * kc + p) * nr + c]);
                    }
        }
    }

    public static TheoryData<int, int, int, int, int, int, int> ACases()
    {
        var data = new TheoryData<int, int, int, int, int, int, int>();
        // m, k, i0, mc, p0, kc, mr: the AVX2 tile's 6-row panels with steps a multiple of 8 and not, a last panel of
        // fewer rows, fewer than 8 steps, a block inside A; the AVX-512 tiles' 12 and 8 rows beside them.
        int[][] cases =
        [
            [48, 256, 0, 48, 0, 256, 6], [50, 100, 3, 47, 5, 83, 6], [7, 9, 0, 7, 2, 5, 6], [13, 16, 1, 12, 0, 16, 6],
            [30, 64, 6, 24, 8, 48, 12], [20, 33, 2, 17, 1, 31, 8],
        ];
        foreach (var c in cases) data.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        return data;
    }

    [Theory]
    [MemberData(nameof(ACases))]
    public void PanelsHoldOpARowsInOrderPaddedWithZerosAndNothingPast(int m, int k, int i0, int mc, int p0, int kc, int mr)
    {
        var a = GemmReference.Random(m * k, m * 31 + k);
        int panels = (mc + mr - 1) / mr;
        foreach (bool transA in new[] { false, true })
        {
            // NaN first, so a lane the packing leaves unwritten fails; the 16 floats past the panels must stay NaN.
            var packed = Enumerable.Repeat(float.NaN, panels * mr * kc + 16).ToArray();
            fixed (float* pa = a, pd = packed) GemmPack.A(transA, pa, m, k, i0, mc, p0, kc, mr, pd);
            for (int q = 0; q < panels; q++)
                for (int p = 0; p < kc; p++)
                    for (int r = 0; r < mr; r++)
                    {
                        int i = i0 + q * mr + r;
                        float expected = q * mr + r >= mc ? 0f
                            : transA ? a[(p0 + p) * m + i] : a[i * k + p0 + p];
                        Assert.Equal(expected, packed[(q * kc + p) * mr + r]);
                    }
            Assert.All(packed[(panels * mr * kc)..], x => Assert.True(float.IsNaN(x)));
        }
    }
}
