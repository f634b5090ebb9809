using Descent.Kernels;

namespace Descent.Tests.Kernels;

[Collection(nameof(ThreadCountCollection))]
public class SortKernelTests
{
    [Fact]
    public void LinesSplitAcrossThreadsGiveTheSameResultAsOneThread()
    {
        int outer = 3, length = 700, inner = 20;
        var x = Tensor.Randn([outer * length * inner], new Generator(31)).ToArray();
        (float[], long[]) Run(int threads)
        {
            int saved = Threads.Count;
            try
            {
                Threads.Count = threads;
                if (threads == 2) Assert.Equal(2, ParallelPartition.Parts((long)outer * inner * length, SortKernel.MinElementsPerPart, outer * inner));
                var values = new float[x.Length];
                var indices = new long[x.Length];
                SortKernel.SortLines(x, outer, length, inner, length, descending: true, values, indices);
                return (values, indices);
            }
            finally
            {
                Threads.Count = saved;
            }
        }
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Item1, two.Item1);
        Assert.Equal(one.Item2, two.Item2);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 17, 1)]
    [InlineData(2, 9, 5)]
    [InlineData(1, 64, 3)]
    public void SortLinesMatchesAStableSortByComparison(int outer, int length, int inner)
    {
        var g = new Generator((ulong)(outer * 100 + length * 10 + inner));
        // Few distinct values, so ties are everywhere, plus both zeros, infinities and NaN.
        float[] pool = [-1f, -0f, 0f, 0.5f, 2f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        var x = new float[outer * length * inner];
        for (int i = 0; i < x.Length; i++) x[i] = pool[g.NextInt(pool.Length)];
        foreach (bool descending in new[] { false, true })
            foreach (int k in new[] { length, (length + 1) / 2 })
            {
                var values = new float[outer * k * inner];
                var indices = new long[outer * k * inner];
                SortKernel.SortLines(x, outer, length, inner, k, descending, values, indices);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        float At(int l) => x[(o * length + l) * inner + i];
                        // NaN above everything; OrderBy is stable, so ties keep their positions.
                        double Rank(int l) => float.IsNaN(At(l)) ? double.PositiveInfinity : At(l) == float.PositiveInfinity ? double.MaxValue : At(l);
                        var expected = descending
                            ? Enumerable.Range(0, length).OrderByDescending(Rank).ToArray()
                            : Enumerable.Range(0, length).OrderBy(Rank).ToArray();
                        for (int j = 0; j < k; j++)
                        {
                            Assert.Equal(expected[j], indices[(o * k + j) * inner + i]);
                            Assert.Equal(At(expected[j]), values[(o * k + j) * inner + i]);
                        }
                    }
            }
    }

    [Fact]
    public void ScatterAddLinesIsTheTransposeOfTheGather()
    {
        float[] g = [1f, 2f, 3f, 4f];
        long[] idx = [2, 0, 1, 2];
        var dst = new float[6];
        SortKernel.ScatterAddLines(g, idx, outer: 2, k: 2, inner: 1, length: 3, dst);
        Assert.Equal(new float[] { 2, 0, 1, 0, 3, 4 }, dst);
    }
}
