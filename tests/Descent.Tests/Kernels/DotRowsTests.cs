using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>The matrix-vector kernel behind m = 1 GEMMs: odd lengths, accumulation, and grouping independence.</summary>
public class DotRowsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(16, 4)]
    [InlineData(31, 9)]
    [InlineData(33, 8)]
    [InlineData(257, 13)]
    [InlineData(784, 6)]
    public unsafe void Matches_a_double_reference_and_does_not_depend_on_grouping(int k, int n)
    {
        var a = Tensor.Randn([k], new Generator(31)).ToArray();
        var b = Tensor.Randn([n, k], new Generator(32)).ToArray();
        var grouped = new float[n];
        var single = new float[n];
        var accumulated = Enumerable.Repeat(1.5f, n).ToArray();
        fixed (float* pa = a, pb = b, pg = grouped, ps = single, pc = accumulated)
        {
            DotRows.Run(pa, pb, k, 0, n, pg, accumulate: false);
            // One row at a time: never in a group of four.
            for (int j = 0; j < n; j++) DotRows.Run(pa, pb, k, j, j + 1, ps, accumulate: false);
            DotRows.Run(pa, pb, k, 0, n, pc, accumulate: true);
        }
        for (int j = 0; j < n; j++)
        {
            double reference = 0;
            for (int p = 0; p < k; p++) reference += (double)a[p] * b[j * k + p];
            Assert.True(Math.Abs(grouped[j] - reference) <= 1e-4 * (1 + Math.Sqrt(k)), $"row {j}: {grouped[j]} vs {reference}");
            Assert.Equal(grouped[j], single[j]);
            Assert.Equal(1.5f + grouped[j], accumulated[j]);
        }
    }
}
