using TorchSharp;
using static Descent.Parity.Oracle;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// The ops that return int64 indices against libtorch: the indices compared exactly as long arrays, the
/// values (and their gradients, where differentiable) through <see cref="Oracle"/>.
/// </summary>
public class IndexOpParityTests
{
    private static long[] Longs(TT t) => t.contiguous().data<long>().ToArray();

    private static int[] Dims(TT t) => t.shape.Select(s => (int)s).ToArray();

    [Fact]
    [Parity("Tensor.ArgMax", "Tensor.ArgMin")]
    public void ArgMaxAndArgMinOnTiesSignedZerosAndNaN()
    {
        // Rows: plain ties, -0 against +0 (equal to PyTorch), NaN late, NaN first, all equal.
        float[] values =
        [
            1f, 3f, 3f, 0f, 3f,
            -1f, -0f, 0f, -0f, -2f,
            4f, 2f, 9f, float.NaN, float.NaN,
            float.NaN, 8f, -8f, 0f, 1f,
            7f, 7f, 7f, 7f, 7f,
        ];
        var x = Tensor.FromArray(values, 5, 5);
        using var scope = torch.NewDisposeScope();
        var tx = torch.tensor(values, [5, 5]);
        foreach (var keepDim in new[] { false, true })
            foreach (int dim in new[] { 0, 1, -1 })
            {
                Assert.Equal(Longs(tx.argmax(dim, keepDim)), x.ArgMax(dim, keepDim).ToArray());
                Assert.Equal(Longs(tx.argmin(dim, keepDim)), x.ArgMin(dim, keepDim).ToArray());
                Assert.Equal(Dims(tx.argmin(dim, keepDim)), x.ArgMin(dim, keepDim).Shape);
            }
        for (int r = 0; r < 5; r++)
        {
            Assert.Equal(Longs(tx[r].argmax()), x.Select(0, r).ArgMax().ToArray());
            Assert.Equal(Longs(tx[r].argmin()), x.Select(0, r).ArgMin().ToArray());
        }
        Assert.Equal(Longs(tx.argmax()), x.ArgMax().ToArray());
    }
}
