using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// Rows of logits ([N, C]) take passes over all of a part's rows, other layouts go position by position: both must
/// give the same bits. Each row is laid out twice over a trailing dimension of 2 ([N, C, 2], the position-by-position
/// path), so both positions of a row must match the [N, C] result exactly.
/// </summary>
public class CrossEntropyKernelTests
{
    [Theory]
    [InlineData(5, 10, false)]
    [InlineData(37, 3, true)]       // shorter than a vector: position by position either way
    [InlineData(41, 5, true)]
    [InlineData(1024, 10, false)]   // a batch through a 10-way classifier: two parts on two threads
    [InlineData(7000, 10, false)]
    [InlineData(3000, 33, true)]
    public void RowsMatchThePositionByPositionPathBitForBit(int n, int c, bool weighted)
    {
        var x = GemmReference.Random(n * c, n + c);
        // A few rows far from zero, where the shift by the max matters.
        for (int k = 0; k < c; k++) x[k] = 80f + k;
        var target = Enumerable.Range(0, n).Select(i => i % 7 == 3 ? -1 : (i * 5) % c).ToArray();
        float[] weight = weighted ? GemmReference.Random(c, 9).Select(v => 0.5f + Math.Abs(v)).ToArray() : [];
        var doubled = new float[n * c * 2];
        for (int i = 0; i < n * c; i++) doubled[2 * i] = doubled[2 * i + 1] = x[i];
        var doubledTarget = target.SelectMany(t => new[] { t, t }).ToArray();
        float[] scale = [1f / n];
        foreach (int threads in new[] { 1, 2 })
        {
            var (stats, nll, grad) = ThreadCountCollection.With(threads, () => Run(x, n, c, 1, target, weight, scale));
            var (stats2, nll2, grad2) = ThreadCountCollection.With(threads, () => Run(doubled, n, c, 2, doubledTarget, weight, scale));
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    int p = 2 * i + j;
                    Assert.True(stats[2 * i] == stats2[2 * p] && stats[2 * i + 1] == stats2[2 * p + 1], $"{threads} threads, row {i}: stats");
                    Assert.True(nll[i].Equals(nll2[p]), $"{threads} threads, row {i}: loss {nll[i]} against {nll2[p]}");
                    for (int k = 0; k < c; k++)
                        Assert.True(grad[i * c + k].Equals(grad2[(i * c + k) * 2 + j]), $"{threads} threads, row {i}, class {k}: gradient");
                }
            }
        }
    }

    private static (float[] Stats, float[] Nll, float[] Grad) Run(float[] x, int n, int c, int inner, int[] target, float[] weight, float[] scale)
    {
        var stats = new float[2 * n * inner];
        var nll = new float[n * inner];
        var grad = new float[x.Length];
        CrossEntropyKernel.Forward(x, n, c, inner, target, weight, stats, nll, default);
        CrossEntropyKernel.Backward(x, n, c, inner, target, weight, stats, scale, 0f, grad);
        return (stats, nll, grad);
    }
}
