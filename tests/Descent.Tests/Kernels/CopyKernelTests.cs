using Descent.Kernels;

namespace Descent.Tests.Kernels;

public class CopyKernelTests
{
    [Fact]
    public void PermuteMatchesANaiveGather()
    {
        var g = new Generator(31);
        for (int trial = 0; trial < 200; trial++)
        {
            int rank = 1 + g.NextInt(5);
            var shape = new int[rank];
            for (int i = 0; i < rank; i++) shape[i] = 1 + g.NextInt(5);
            var perm = g.Permutation(rank);
            var src = Reference.RandomData(g, Shape.Numel(shape));
            var outShape = perm.Select(p => shape[p]).ToArray();
            var got = new float[src.Length];
            CopyKernel.Permute(src, shape, perm, got);

            var srcStrides = Shape.Strides(shape);
            var index = new int[rank];
            for (int flat = 0; flat < got.Length; flat++)
            {
                int rem = flat;
                for (int d = rank - 1; d >= 0; d--)
                {
                    index[d] = rem % outShape[d];
                    rem /= outShape[d];
                }
                int from = 0;
                for (int d = 0; d < rank; d++) from += index[d] * srcStrides[perm[d]];
                Assert.Equal(src[from], got[flat]);
            }
        }
    }

    [Fact]
    public void TransposeOfAMatrix()
    {
        float[] src = [1, 2, 3, 4, 5, 6];
        var got = new float[6];
        CopyKernel.Permute(src, [2, 3], [1, 0], got);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, got);
    }
}
