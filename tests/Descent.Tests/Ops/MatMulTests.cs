namespace Descent.Tests.Ops;

public class MatMulTests
{
    public static TheoryData<int[], int[], int[]> Cases => new()
    {
        { [4], [4], [] },
        { [1], [1], [] },
        { [3], [3, 5], [5] },
        { [2, 3], [3], [2] },
        { [2, 3], [3, 4], [2, 4] },
        { [1, 1], [1, 1], [1, 1] },
        { [7, 31], [31, 7], [7, 7] },
        { [2, 3, 4], [4, 5], [2, 3, 5] },
        { [4, 5], [2, 5, 3], [2, 4, 3] },
        { [2, 1, 3, 4], [5, 4, 6], [2, 5, 3, 6] },
        { [2, 3, 4], [4], [2, 3] },
        { [4], [2, 4, 5], [2, 5] },
        { [3, 1, 7], [1, 7, 1], [3, 1, 1] },
    };

    [Theory, MemberData(nameof(Cases))]
    public void ShapesAndGradients(int[] a, int[] b, int[] expected)
    {
        var x = Inputs.Normal(1, a);
        var y = Inputs.Normal(2, b);
        Assert.Equal(expected, x.MatMul(y).Shape);
        GradCheck.Assert(t => t[0].MatMul(t[1]), x, y);
    }

    [Theory, MemberData(nameof(Cases))]
    public void ValuesMatchANaiveProduct(int[] a, int[] b, int[] expected)
    {
        var x = Tensor.Randn(a, new Generator(3));
        var y = Tensor.Randn(b, new Generator(4));
        // Promote 1-D operands, broadcast batches with Expand, and multiply element by element.
        var xa = a.Length == 1 ? x.Unsqueeze(0) : x;
        var yb = b.Length == 1 ? y.Unsqueeze(1) : y;
        int m = xa.Size(-2), k = xa.Size(-1), n = yb.Size(-1);
        var batch = Shape.Broadcast("test", xa.Shape[..^2], yb.Shape[..^2]);
        var xe = xa.Expand([.. batch, m, k]).ToArray();
        var ye = yb.Expand([.. batch, k, n]).ToArray();
        var want = new float[Shape.Numel(batch) * m * n];
        for (int t = 0; t < Shape.Numel(batch); t++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double)xe[(t * m + i) * k + p] * ye[(t * k + p) * n + j];
                    want[(t * m + i) * n + j] = (float)s;
                }
        var got = x.MatMul(y);
        Assert.Equal(expected, got.Shape);
        var g = got.ToArray();
        Assert.Equal(want.Length, g.Length);
        for (int i = 0; i < g.Length; i++) Assert.Equal(want[i], g[i], 1e-4f);
    }

    [Fact]
    public void HandComputedProduct()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([7f, 8f, 9f, 10f, 11f, 12f], 3, 2);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, a.MatMul(b).ToArray());
        Assert.Equal(32f, Tensor.FromArray([1f, 2f, 3f]).MatMul(Tensor.FromArray([4f, 5f, 6f])).Item());
    }

    [Fact]
    public void InnerDimensionMismatchIsReportedExactly()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5)));
        Assert.Equal("MatMul: inner dimensions must match; got [2, 3] and [4, 5]", e.Message);
        Assert.Equal("MatMul: inner dimensions must match; got [3] and [4, 5]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(4, 5))).Message);
        Assert.Equal("MatMul: inner dimensions must match; got [2, 3] and [4]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4))).Message);
        Assert.Equal("MatMul: inner dimensions must match; got [3] and [4]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(4))).Message);
    }

    [Fact]
    public void BatchMismatchAndScalarsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 4).MatMul(Tensor.Zeros(3, 4, 5)));
        Assert.Contains("MatMul", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
        Assert.Contains("[3, 4, 5]", e.Message);
        Assert.Contains("MatMul", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).MatMul(Tensor.Zeros(2))).Message);
    }
}
