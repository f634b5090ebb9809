using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The recurrent loops' per-step products on packed panels (<see cref="RecurrentPanels"/>) against a plain loop that
/// sums each element in the same order (FMAs from zero over each of the GEMM's k blocks, block by block into C), bit
/// for bit, for every row count a tile can take, one and several k blocks, stored and added, on one thread and split
/// over two; and against the GEMM itself where it takes the AVX2 packed path, whose bits the panels keep.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public unsafe class RecurrentPanelsTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 16, 5 }, { 5, 32, 100 }, { 7, 16, 128 }, { 8, 48, 300 }, { 16, 512, 128 }, { 32, 128, 512 }, { 33, 64, 257 },
    };

    private static float[] Draw(int count, int seed) => Tensor.Randn([count], new Generator((ulong)seed)).ToArray();

    private static float[] Reference(int m, int n, int k, float[] a, float[] b, float[] c, bool accumulate)
    {
        int kBlocks = (k + Gemm.Blocking.KC - 1) / Gemm.Blocking.KC, kcMax = (k + kBlocks - 1) / kBlocks;
        var result = (float[])c.Clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    float acc = 0;
                    for (int p = pc; p < Math.Min(k, pc + kcMax); p++) acc = MathF.FusedMultiplyAdd(a[i * k + p], b[p * n + j], acc);
                    result[i * n + j] = accumulate || pc > 0 ? result[i * n + j] + acc : acc;
                }
        return result;
    }

    private static float[] Panels(int m, int n, int k, float[] a, float[] b, float[] c, bool accumulate, int threads)
    {
        var result = (float[])c.Clone();
        var panels = new float[k * n];
        return ThreadCountCollection.With(threads, () =>
        {
            fixed (float* pa = a, pb = b, pp = panels, pc = result)
            {
                RecurrentPanels.Pack(pb, k, n, pp);
                RecurrentPanels.Run(m, n, k, pa, pp, pc, accumulate, parts: threads == 1 ? 1 : 0);
            }
            return result;
        });
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Every_element_is_the_plain_loops_on_one_and_two_threads(int m, int n, int k)
    {
        float[] a = Draw(m * k, 1), b = Draw(k * n, 2), c = Draw(m * n, 3);
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = Reference(m, n, k, a, b, c, accumulate);
            Assert.Equal(expected, Panels(m, n, k, a, b, c, accumulate, 1));
            Assert.Equal(expected, Panels(m, n, k, a, b, c, accumulate, 2));
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Where_the_panels_suit_a_product_they_give_the_gemms_bits(int m, int n, int k)
    {
        if (!RecurrentPanels.Suits(m, n, k)) return;
        float[] a = Draw(m * k, 4), b = Draw(k * n, 5), c = Draw(m * n, 6);
        foreach (bool accumulate in new[] { false, true })
        {
            var gemm = (float[])c.Clone();
            Gemm.Run(false, false, m, n, k, a, b, gemm, accumulate);
            Assert.Equal(gemm, Panels(m, n, k, a, b, c, accumulate, 1));
        }
    }
}
