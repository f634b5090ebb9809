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

    // Products as op(A)·op(B) in logical shapes (after any transpose): batch ranks 3 and 4, broadcast
    // batch dimensions, size-1 dimensions, and 1-D operands (never transposed themselves).
    private static readonly (int[] A, int[] B)[] Logical =
    [
        ([2, 3, 4], [2, 4, 5]),
        ([2, 1, 3, 4], [5, 4, 6]),
        ([2, 3, 4, 5], [2, 3, 5, 2]),
        ([4, 5], [2, 5, 3]),
        ([3, 1, 7], [1, 7, 1]),
        ([1, 1, 1], [1, 1, 1]),
        ([1, 3, 1], [4, 1, 1]),
        ([3], [2, 3, 4]),
        ([2, 3, 4], [4]),
    ];

    public static TheoryData<int[], int[], bool, bool> TransposedCases
    {
        get
        {
            var data = new TheoryData<int[], int[], bool, bool>();
            foreach (var (a, b) in Logical)
                foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
                {
                    if ((ta && a.Length < 2) || (tb && b.Length < 2)) continue;
                    data.Add(ta ? SwapLast(a) : a, tb ? SwapLast(b) : b, ta, tb);
                }
            return data;
        }
    }

    private static int[] SwapLast(int[] shape) => [.. shape[..^2], shape[^1], shape[^2]];

    /// <summary>The old way: transpose (a copy), then the plain product.</summary>
    private static Tensor TransposeFirst(Tensor a, Tensor b, bool ta, bool tb) =>
        (ta ? a.Transpose(-2, -1) : a).MatMul(tb ? b.Transpose(-2, -1) : b);

    [Theory, MemberData(nameof(TransposedCases))]
    public void TransposeFlagsGradients(int[] a, int[] b, bool ta, bool tb)
    {
        GradCheck.Assert(t => t[0].MatMul(t[1], ta, tb), Inputs.Normal(5, a), Inputs.Normal(6, b));
    }

    [Theory, MemberData(nameof(TransposedCases))]
    public void TransposeFlagsMatchTransposingFirst(int[] a, int[] b, bool ta, bool tb)
    {
        var (x, y) = (Inputs.Normal(7, a), Inputs.Normal(8, b));
        var (x2, y2) = (x.Detach().RequireGrad(), y.Detach().RequireGrad());
        var got = x.MatMul(y, transposeA: ta, transposeB: tb);
        var want = TransposeFirst(x2, y2, ta, tb);
        Assert.Equal(want.Shape, got.Shape);
        // With k this short, every path sums the k products in order, one at a time, whichever way the
        // operands are stored, so these agree to the bit (long k need not: see the test below).
        Assert.Equal(want.ToArray(), got.ToArray());
        var seed = Tensor.Randn(got.Shape, new Generator(9));
        got.Backward(seed);
        want.Backward(seed);
        AssertClose(x2.Grad!, x.Grad!);
        AssertClose(y2.Grad!, y.Grad!);
    }

    // Packed products pack op(B) into the same panels whichever way B is stored (the transpose happens
    // in the packing), so they agree to the bit with transposing first. A·Bᵀ with few rows of A runs as
    // dot products of rows instead, which sum in another order than the scaled rows of a stored B:
    // those agree within rounding.
    [Theory]
    [InlineData(false, true, 2, 70, 80, 300, true)]
    [InlineData(true, false, 2, 70, 80, 300, true)]
    [InlineData(true, true, 3, 40, 130, 90, true)]
    [InlineData(false, true, 1, 8, 9, 700, false)]
    [InlineData(false, true, 2, 48, 64, 128, false)]
    public void LargeTransposedProductsAgreeWithTransposingFirst(bool ta, bool tb, int batch, int m, int n, int k, bool bitIdentical)
    {
        var x = Tensor.Randn(ta ? [batch, k, m] : [batch, m, k], new Generator(10));
        var y = Tensor.Randn(tb ? [1, n, k] : [1, k, n], new Generator(11));
        var got = x.MatMul(y, ta, tb).ToArray();
        var want = TransposeFirst(x, y, ta, tb).ToArray();
        if (bitIdentical) Assert.Equal(want, got);
        else for (int i = 0; i < got.Length; i++) Assert.Equal(want[i], got[i], 1e-5f * k);
    }

    [Fact]
    public void TransposeFlagsCopyNoOperand()
    {
        // Attention's scores, q·kᵀ over [B, H, T, d]: a transposed copy of k would allocate k's size
        // again in the forward pass, and a transposed copy of a gradient again in the backward pass.
        int[] shape = [2, 2, 64, 512];
        long operand = 2L * 2 * 64 * 512;
        long result = 2L * 2 * 64 * 64;
        var seed = Tensor.Randn([2, 2, 64, 64], new Generator(14));
        long forwardBytes = 0, backwardFloats = 0;
        // A fresh thread starts with an empty buffer pool, so every temporary the backward pass makes
        // lands in the pool when the pass ends: the pool's size then counts them all, where the
        // allocation counter would miss buffers the pool had from an earlier pass.
        var thread = new Thread(() =>
        {
            var q = Tensor.Randn(shape, new Generator(12)).RequireGrad();
            var k = Tensor.Randn(shape, new Generator(13)).RequireGrad();
            using (Descent.Autograd.NoGrad()) q.MatMul(k, transposeB: true);   // JIT and this thread's pack buffer
            long start = GC.GetAllocatedBytesForCurrentThread();
            var scores = q.MatMul(k, transposeB: true);
            forwardBytes = GC.GetAllocatedBytesForCurrentThread() - start;
            long pooled = BufferPool.PooledFloats;
            scores.Backward(seed);
            backwardFloats = BufferPool.PooledFloats - pooled;
        });
        thread.Start();
        thread.Join();

        Assert.True(forwardBytes < (result + operand / 8) * sizeof(float), $"forward allocated {forwardBytes} bytes; the result is {result} floats, an operand {operand}");
        // The two gradients, dq and dk, an operand's size each, and nothing near a third.
        Assert.True(backwardFloats <= 2 * operand + operand / 8, $"backward made {backwardFloats} floats of temporaries; an operand is {operand}");
    }

    [Fact]
    public void TransposeFlagsBadInputsNameOpShapesAndFlags()
    {
        Assert.Equal("MatMul: inner dimensions must match; got [2, 3] and [4, 5] with transposeB",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5), transposeB: true)).Message);
        Assert.Equal("MatMul: inner dimensions must match; got [2, 2, 3] and [4, 5] with transposeA and transposeB",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2, 3).MatMul(Tensor.Zeros(4, 5), true, true)).Message);
        Assert.Equal("MatMul: batch dimensions must broadcast; got [2, 3, 4] and [3, 3, 5] with transposeA",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 4).MatMul(Tensor.Zeros(3, 3, 5), transposeA: true)).Message);
        Assert.Equal("MatMul: a transposed operand needs at least two dimensions; got [3] and [3, 4] with transposeA",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(3, 4), transposeA: true)).Message);
        Assert.Equal("MatMul: a transposed operand needs at least two dimensions; got [2, 3] and [3] with transposeB",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(3), transposeB: true)).Message);
        Assert.Equal("MatMul: both operands need at least one dimension; got [] and [2, 2]",
            Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).MatMul(Tensor.Zeros(2, 2), transposeB: true)).Message);
    }

    private static void AssertClose(Tensor want, Tensor got)
    {
        Assert.Equal(want.Shape, got.Shape);
        var (w, g) = (want.ToArray(), got.ToArray());
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], g[i], 1e-5f);
    }
}
