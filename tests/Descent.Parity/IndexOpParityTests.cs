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

    public static TheoryData<int[], int> SortCases => new()
    {
        { [1], 0 }, { [7], 0 }, { [3, 5], 1 }, { [3, 5], 0 }, { [2, 1, 4], -1 }, { [2, 3, 4], 1 }, { [33, 31], -1 },
    };

    private static Tensor Distinct(int[] shape, int dim)
    {
        // Uniform floats tie with negligible chance; ties are the one place PyTorch's order is unspecified.
        var x = Rand(new Generator((ulong)(shape.Aggregate(23, (a, b) => a * 31 + b) + dim)), shape);
        Assert.Equal(x.Numel, x.ToArray().Distinct().Count());
        return x;
    }

    [Theory, MemberData(nameof(SortCases))]
    [Parity("Tensor.Sort", "Tensor.ArgSort")]
    public void SortValuesGradientsAndIndices(int[] shape, int dim)
    {
        var x = Distinct(shape, dim);
        foreach (bool descending in new[] { false, true })
        {
            Check($"Sort descending={descending}", t => t[0].Sort(dim, descending).Values, t => t[0].sort(dim, descending).Values, [x]);
            using var scope = torch.NewDisposeScope();
            var tx = ToTorch(x);
            Assert.Equal(Longs(tx.sort(dim, descending, stable: true).Indices), x.Sort(dim, descending).Indices.ToArray());
            Assert.Equal(Longs(tx.argsort(dim, descending)), x.ArgSort(dim, descending).ToArray());
        }
    }

    [Fact]
    [Parity("Tensor.Sort", "Tensor.ArgSort")]
    public void StableSortOfTiesAndNaNMatchesLibtorch()
    {
        float[] values = [2f, float.NaN, 1f, 2f, -0f, 0f, 1f, float.NaN, float.NegativeInfinity, 2f];
        var x = Tensor.FromArray(values, 2, 5);
        using var scope = torch.NewDisposeScope();
        var tx = torch.tensor(values, [2, 5]);
        foreach (bool descending in new[] { false, true })
            foreach (int dim in new[] { 0, 1 })
            {
                var (tv, ti) = tx.sort(dim, descending, stable: true);
                var (v, i) = x.Sort(dim, descending, stable: true);
                Assert.Equal(Longs(ti), i.ToArray());
                Assert.Equal(FromTorch(tv), v.ToArray());
            }
    }

    [Theory, MemberData(nameof(SortCases))]
    [Parity("Tensor.TopK")]
    public void TopKValuesGradientsAndIndices(int[] shape, int dim)
    {
        var x = Distinct(shape, dim);
        int size = shape[dim < 0 ? dim + shape.Length : dim];
        foreach (int k in new[] { 1, (size + 1) / 2, size }.Distinct())
            foreach (bool largest in new[] { true, false })
            {
                Check($"TopK k={k} largest={largest}", t => t[0].TopK(k, dim, largest).Values, t => t[0].topk(k, dim, largest).values, [x]);
                using var scope = torch.NewDisposeScope();
                var tx = ToTorch(x);
                Assert.Equal(Longs(tx.topk(k, dim, largest).indexes), x.TopK(k, dim, largest).Indices.ToArray());
                // Unsorted, libtorch may give the k elements in any order: compare them as sets per line.
                var (uv, ui) = tx.topk(k, dim, largest, sorted: false);
                var order = uv.sort(dim, descending: largest).Indices;
                Assert.Equal(Longs(ui.gather(dim, order)), x.TopK(k, dim, largest, sorted: false).Indices.ToArray());
            }
    }

    [Fact]
    public void OneHotMatchesLibtorch()
    {
        long[] ids = [3, 0, 2, 2, 1, 0];
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(ids, torch.int64).reshape(2, 3);
        var ours = IntTensor.FromArray(ids, [2, 3]);
        foreach (int n in new[] { -1, 4, 6 })
        {
            var theirs = torch.nn.functional.one_hot(t, n);
            Assert.Equal(Longs(theirs), Descent.Nn.Functional.OneHot(ours, n).ToArray());
            Assert.Equal(Dims(theirs), Descent.Nn.Functional.OneHot(ours, n).Shape);
        }
    }
}
