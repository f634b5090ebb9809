using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class ReduceKernelTests
{
    public static TheoryData<int, int, int> Layouts => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 3, 5, 1 }, { 1, 31, 4 }, { 2, 3, 33 }, { 4, 1, 7 }, { 5, 33, 17 },
    };

    [Theory, MemberData(nameof(Layouts))]
    public void SumMaxMinMatchANaiveLoop(int outer, int length, int inner)
    {
        var g = new Generator((ulong)(outer * 1000 + length * 10 + inner));
        var x = Reference.RandomData(g, outer * length * inner);
        var sum = new float[outer * inner];
        var max = new float[outer * inner];
        var min = new float[outer * inner];
        ReduceKernel.Run<SumReduce>(x, outer, length, inner, sum);
        ReduceKernel.Run<MaxReduce>(x, outer, length, inner, max);
        ReduceKernel.Run<MinReduce>(x, outer, length, inner, min);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double s = 0;
                float hi = float.NegativeInfinity, lo = float.PositiveInfinity;
                for (int l = 0; l < length; l++)
                {
                    float v = x[(o * length + l) * inner + i];
                    s += v;
                    hi = Math.Max(hi, v);
                    lo = Math.Min(lo, v);
                }
                Assert.Equal(s, sum[o * inner + i], 1e-5 * (1 + Math.Abs(s)));
                Assert.Equal(hi, max[o * inner + i]);
                Assert.Equal(lo, min[o * inner + i]);
            }
    }

    /// <summary>
    /// Rows shorter than a 512-bit vector are summed a vector a row (a bias gradient of 10 classes): each column must
    /// still be the float running sum from its first row, in row order, bit for bit, up to the block's last rows, which
    /// a whole vector would read past; and the rows of one outer index never leak into another's.
    /// </summary>
    [Theory]
    [InlineData(1, 1024, 10)]
    [InlineData(3, 37, 10)]
    [InlineData(2, 5, 3)]       // blocks of 15 floats: shorter than one vector
    [InlineData(1, 1, 15)]
    [InlineData(4, 17, 15)]
    [InlineData(2, 40, 2)]
    public void ShortRowsSumAsARunningSumInRowOrder(int outer, int length, int inner)
    {
        var x = Reference.RandomData(new Generator((ulong)(length * 100 + inner)), outer * length * inner);
        var sum = new float[outer * inner];
        ReduceKernel.Run<SumReduce>(x, outer, length, inner, sum);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                float s = x[o * length * inner + i];
                for (int l = 1; l < length; l++) s += x[(o * length + l) * inner + i];
                Assert.True(s.Equals(sum[o * inner + i]), $"outer {o}, column {i}: {sum[o * inner + i]:R} against {s:R}");
            }
    }

    [Theory, MemberData(nameof(Layouts))]
    public void ArgMaxMatchesANaiveLoopWithTies(int outer, int length, int inner)
    {
        var g = new Generator(9);
        // Few distinct values, so ties are common; the first index must win.
        var x = new float[outer * length * inner];
        for (int i = 0; i < x.Length; i++) x[i] = g.NextInt(3);
        foreach (bool isMax in new[] { true, false })
        {
            var got = new int[outer * inner];
            ReduceKernel.ArgMax(x, outer, length, inner, got, isMax);
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int best = 0;
                    for (int l = 1; l < length; l++)
                    {
                        float v = x[(o * length + l) * inner + i], b = x[(o * length + best) * inner + i];
                        if (isMax ? v > b : v < b) best = l;
                    }
                    Assert.Equal(best, got[o * inner + i]);
                }
        }
    }

    [Fact]
    public void NaNWinsArgMaxAndPropagatesThroughMax()
    {
        float[] x = [1, 5, float.NaN, 2, float.NaN, 9];
        var idx = new int[2];
        ReduceKernel.ArgMax(x, 1, 3, 2, idx);
        Assert.Equal([1, 2], idx);
        ReduceKernel.ArgMax(x, 2, 3, 1, idx);
        Assert.Equal([2, 1], idx);
        var max = new float[2];
        ReduceKernel.Run<MaxReduce>(x, 1, 3, 2, max);
        Assert.True(float.IsNaN(max[0]));
        Assert.Equal(9f, max[1]);
        ReduceKernel.Run<MaxReduce>(x, 2, 3, 1, max);
        Assert.True(float.IsNaN(max[0]) && float.IsNaN(max[1]));
    }
}
