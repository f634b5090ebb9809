using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class GemmTests
{
    public static TheoryData<bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        int[] sizes = [1, 7, 31, 33];
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (int m in sizes)
                    foreach (int n in sizes)
                        foreach (int k in new[] { 1, 31, 33 })
                            if ((m + n + k) % 2 == 1 || m == n) data.Add(ta, tb, m, n, k);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void MatchesATripleLoop(bool transA, bool transB, int m, int n, int k)
    {
        var g = new Generator((ulong)(m * 10000 + n * 100 + k));
        var a = Reference.RandomData(g, m * k);
        var b = Reference.RandomData(g, k * n);
        var c0 = Reference.RandomData(g, m * n);
        var want = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * m + i] : a[i * k + p];
                    float bv = transB ? b[j * k + p] : b[p * n + j];
                    want[i * n + j] += (double)av * bv;
                }
        var c = (float[])c0.Clone();
        Gemm.Run(transA, transB, m, n, k, a, b, c);
        for (int i = 0; i < m * n; i++) Assert.Equal(want[i], c[i], 1e-4 * (1 + Math.Abs(want[i])));
        c = (float[])c0.Clone();
        Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate: true);
        for (int i = 0; i < m * n; i++) Assert.Equal(want[i] + c0[i], c[i], 1e-4 * (1 + Math.Abs(want[i])));
    }

    [Fact]
    public void EmptyInnerDimensionGivesZeros()
    {
        var c = new float[] { 5, 5, 5, 5 };
        Gemm.Run(false, false, 2, 2, 0, [], [], c);
        Assert.Equal(new float[4], c);
    }
}
