namespace Descent.Tests.Ops;

/// <summary>The indexer x[...] with C#'s syntax and PyTorch's meaning, its writes, and At.</summary>
public class IndexingTests
{
    // x[i, j, k] = 100 i + 10 j + k: every value names its position.
    private static Tensor Positions(int a, int b, int c)
    {
        var data = new float[a * b * c];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++) data[(i * b + j) * c + k] = 100 * i + 10 * j + k;
        return Tensor.FromArray(data, [a, b, c]);
    }

    private static void AssertTensor(int[] shape, float[] values, Tensor actual)
    {
        Assert.Equal(shape, actual.Shape);
        Assert.Equal(values, actual.ToArray());
    }

    [Fact]
    public void IndexForms_MeanWhatPyTorchMeans()
    {
        var x = Positions(2, 3, 4);
        AssertTensor([3, 4], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23], x[0]);
        AssertTensor([3, 4], [100, 101, 102, 103, 110, 111, 112, 113, 120, 121, 122, 123], x[^1]);
        AssertTensor([3, 4], x[1].ToArray(), x[-1]);
        AssertTensor([2, 4], [20, 21, 22, 23, 120, 121, 122, 123], x[.., ^1, ..]);
        AssertTensor([2, 4], x[.., ^1, ..].ToArray(), x[.., -1]);
        AssertTensor([2, 3], [0, 10, 20, 100, 110, 120], x[.., .., 0]);
        AssertTensor([1, 3, 4], x[1].ToArray(), x[1..3]);
        AssertTensor([2, 2, 4], [10, 11, 12, 13, 20, 21, 22, 23, 110, 111, 112, 113, 120, 121, 122, 123], x[.., 1..]);
        AssertTensor([2, 3, 3], x.ToArray().Where(v => v % 10 != 3).ToArray(), x[.., .., ..^1]);
        AssertTensor([4], [10, 11, 12, 13], x[0, 1]);
        AssertTensor([], [112], x[1, 1, 2]);
        AssertTensor([], [123], x[^1, ^1, ^1]);
        AssertTensor([2], [111, 112], x[1, 1, 1..3]);
        AssertTensor([2, 3, 4], x.ToArray(), x[..]);
        AssertTensor([2, 3, 4], x.ToArray(), x[Array.Empty<TensorIndex>()]);
    }

    [Fact]
    public void EllipsisAndNewAxis_MeanPythonsEllipsisAndNone()
    {
        var x = Positions(2, 3, 4);
        var e = TensorIndex.Ellipsis;
        AssertTensor([2, 3], x[.., .., ^1].ToArray(), x[e, ^1]);
        AssertTensor([3], x[1, .., 2].ToArray(), x[1, e, 2]);
        AssertTensor([2, 3, 4], x.ToArray(), x[e]);
        AssertTensor([4], x[1, 2].ToArray(), x[1, 2, e]);
        AssertTensor([2, 1, 4], x[.., 0].ToArray(), x[.., TensorIndex.NewAxis, 0]);
        AssertTensor([1, 2, 3, 4], x.ToArray(), x[TensorIndex.NewAxis]);
        AssertTensor([2, 3, 1], x[e, 1].ToArray(), x[e, 1, TensorIndex.NewAxis]);
        Assert.Contains("only one Ellipsis", Assert.Throws<ArgumentException>(() => x[e, 0, e]).Message);
        Assert.Contains("3 dimension(s), 4 indices", Assert.Throws<ArgumentException>(() => x[0, TensorIndex.NewAxis, e, 0, 0, 0]).Message);
        GradCheck.Assert(t => t[0][TensorIndex.Ellipsis, 1..].Square(), Inputs.Normal(30, 2, 3, 4));
        GradCheck.Assert(t => t[0][.., TensorIndex.NewAxis, ^1].Exp(), Inputs.Normal(31, 3, 2));
    }

    [Fact]
    public void Ranges_AreClampedAsInPython()
    {
        var x = Tensor.Arange(5);
        AssertTensor([5], [0, 1, 2, 3, 4], x[..10]);
        AssertTensor([0], [], x[7..]);
        AssertTensor([0], [], x[3..1]);
        AssertTensor([2], [0, 1], x[^9..2]);
        AssertTensor([0], [], x[^2..^3]);
        AssertTensor([2, 0], [], Positions(2, 3, 1)[.., 3.., 0]);
    }

    [Fact]
    public void IndexingAScalar_WithNoIndicesGivesItBack()
    {
        var s = Tensor.Scalar(4f);
        AssertTensor([], [4], s[Array.Empty<TensorIndex>()]);
    }

    [Fact]
    public void BadIndices_NameTheIndexTheDimensionAndTheShape()
    {
        var x = Positions(2, 3, 4);
        var high = Assert.Throws<ArgumentOutOfRangeException>(() => x[0, 3]);
        Assert.Contains("Index: index 3 is out of range for dimension 1 of size 3 in shape [2, 3, 4]", high.Message);
        var low = Assert.Throws<ArgumentOutOfRangeException>(() => x[-3]);
        Assert.Contains("index -3 is out of range for dimension 0 of size 2", low.Message);
        var end = Assert.Throws<ArgumentOutOfRangeException>(() => x[.., .., ^0]);
        Assert.Contains("index ^0 is out of range for dimension 2 of size 4", end.Message);
        var many = Assert.Throws<ArgumentException>(() => x[0, 0, 0, 0]);
        Assert.Contains("Index: too many indices for a tensor of shape [2, 3, 4]: 3 dimension(s), 4 indices [0, 0, 0, 0]", many.Message);
        var scalar = Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f)[0]);
        Assert.Contains("shape []", scalar.Message);
        Assert.Contains("[1..^1]", Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f)[1..^1]).Message);
    }

    [Fact]
    public void Gradients_FlowBackIntoTheSelectedPositions()
    {
        GradCheck.Assert(t => t[0][0].Square(), Inputs.Normal(1, 3, 4));
        GradCheck.Assert(t => t[0][.., 0].Exp(), Inputs.Normal(2, 3, 4));
        GradCheck.Assert(t => t[0][1..3].Square(), Inputs.Normal(3, 5, 2));
        GradCheck.Assert(t => t[0][^1].Square(), Inputs.Normal(4, 3, 2, 2));
        GradCheck.Assert(t => t[0][.., ..^1].Exp(), Inputs.Normal(5, 3, 4));
        GradCheck.Assert(t => t[0][0, 1].Square(), Inputs.Normal(6, 2, 3));
        GradCheck.Assert(t => t[0][.., ^1, 1..].Square(), Inputs.Normal(7, 2, 3, 4));
        GradCheck.Assert(t => t[0][1, .., 2].Exp(), Inputs.Normal(8, 2, 3, 4));
        GradCheck.Assert(t => t[0][.., 0] * t[0][.., 1], Inputs.Normal(9, 3, 2));
    }

    [Fact]
    public void Gradient_OfTwoOverlappingReadsAddsUp()
    {
        var x = Tensor.Arange(4).RequireGrad();
        (x[1..3].Sum() + x[2..].Sum() * 2f).Backward();
        Assert.Equal(new float[] { 0, 1, 3, 2 }, x.Grad!.ToArray());
    }

    [Fact]
    public void Gradient_OfAViewIsZeroOutsideItsRun_AndOfAWholeViewIsTheGradientItself()
    {
        // A run at the start, in the middle and at the end of the source, and one covering all of it; an
        // intermediate tensor (Exp) so that the gradient goes on through another node, not into a leaf.
        var x = Tensor.Arange(12).Div(10f).RequireGrad();
        var e = x.Reshape(3, 4).Exp();
        var ev = e.Detach().ToArray();
        var seed = Tensor.Arange(4).Add(1f);
        (e[0] * seed).Sum().Backward(retainGraph: true);
        var expected = new float[12];
        for (int i = 0; i < 4; i++) expected[i] = (i + 1) * ev[i];
        Assert.Equal(expected, x.Grad!.ToArray());

        x.Grad = null;
        ((e[1] * seed).Sum() + (e[2] * seed).Sum() * 2f).Backward();
        expected = new float[12];
        for (int i = 0; i < 4; i++)
        {
            expected[4 + i] = (i + 1) * ev[4 + i];
            expected[8 + i] = (i + 1) * 2f * ev[8 + i];
        }
        Assert.Equal(expected, x.Grad!.ToArray());

        x.Grad = null;
        var whole = x.Reshape(1, 12).Exp()[0];
        (whole * Tensor.Full([12], 3f)).Sum().Backward();
        Assert.Equal(ev.Select(v => 3f * v).ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void ConsecutiveSelections_AreViews_WritesShowThroughBothWays()
    {
        var x = Positions(3, 2, 2);
        var row = x[1];
        row.At(0, 1) = -1f;
        Assert.Equal(-1f, x.At(1, 0, 1));
        x.At(2, 1, 1) = -2f;
        Assert.Equal(-2f, x[1..][1, 1, 1].Item());
        var tail = x[0, 1];
        x.At(0, 1, 0) = -3f;
        Assert.Equal(-3f, tail.At(0));
        var element = x[0, 0, 1];
        x.At(0, 0, 1) = -4f;
        Assert.Equal(-4f, element.Item());
    }

    [Fact]
    public void StridedSelections_AreCopies()
    {
        var x = Positions(2, 3, 2);
        var column = x[.., 0];
        x.At(0, 0, 0) = -1f;
        Assert.Equal(0f, column.At(0, 0));
    }

    [Fact]
    public void Setter_WritesABroadcastTensorIntoTheSlice()
    {
        var x = Tensor.Zeros(3, 4);
        x[.., 0] = Tensor.FromArray([1f, 2f, 3f], [3]);
        x[0] = Tensor.Full([4], 9f);
        x[1.., ^2..] = Tensor.FromArray([5f, 6f], [2]);
        AssertTensor([3, 4], [9, 9, 9, 9, 2, 0, 5, 6, 3, 0, 5, 6], x);
        x[2, 1] = Tensor.Scalar(7f);
        Assert.Equal(7f, x.At(2, 1));
        x[1] = Tensor.Full([1, 1, 4], 8f);
        AssertTensor([4], [8, 8, 8, 8], x[1]);
    }

    [Fact]
    public void IndexPut_WritesANumberIntoTheSlice()
    {
        var x = Tensor.Ones(2, 3);
        Assert.Same(x, x.IndexPut(0f, .., ^1));
        x.IndexPut(5f, 1, ..1);
        AssertTensor([2, 3], [1, 1, 0, 5, 1, 0], x);
        x.IndexPut(Tensor.FromArray([1f, 2f, 3f], [3]), 0);
        AssertTensor([2, 3], [1, 2, 3, 5, 1, 0], x);
    }

    [Fact]
    public void Setter_ReadsItsValueBeforeWritingWhenBothShareStorage()
    {
        var x = Tensor.Arange(5);
        x[1..] = x[..^1];
        AssertTensor([5], [0, 0, 1, 2, 3], x);
    }

    [Fact]
    public void Setter_RefusesWhatAutogradWouldLose()
    {
        var w = Tensor.Zeros(2, 2).RequireGrad();
        var own = Assert.Throws<InvalidOperationException>(() => w[0] = Tensor.Ones(2));
        Assert.Contains("IndexPut: a tensor that requires grad cannot be changed in place", own.Message);
        Assert.Throws<InvalidOperationException>(() => w.IndexPut(1f, 0));
        var x = Tensor.Zeros(2, 2);
        var value = Assert.Throws<InvalidOperationException>(() => x[0] = Tensor.Ones(2).RequireGrad());
        Assert.Contains("IndexPut: the value requires grad", value.Message);
        using (Descent.Autograd.NoGrad())
        {
            w[0] = Tensor.Ones(2);
            x[1] = Tensor.Full([2], 3f).RequireGrad();
        }
        AssertTensor([2, 2], [1, 1, 0, 0], w);
        AssertTensor([2, 2], [0, 0, 3, 3], x);
    }

    [Fact]
    public void Setter_NamesAValueThatDoesNotBroadcast()
    {
        var x = Tensor.Zeros(3, 4);
        var e = Assert.Throws<ArgumentException>(() => x[.., 0] = Tensor.Ones(4));
        Assert.Contains("IndexPut", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void At_ReadsAndWritesOneElement()
    {
        var x = Positions(2, 3, 4);
        Assert.Equal(123f, x.At(1, 2, 3));
        Assert.Equal(123f, x.At(-1, -1, -1));
        x.At(0, 0, 0) += 5f;
        Assert.Equal(5f, x[0, 0, 0].Item());
        Assert.Contains("At: expected 3 indices for shape [2, 3, 4]; got 2", Assert.Throws<ArgumentException>(() => x.At(0, 0)).Message);
        Assert.Contains("At: index 4 is out of range for dimension 2 of size 4", Assert.Throws<ArgumentOutOfRangeException>(() => x.At(0, 0, 4)).Message);
    }

    [Fact]
    public void IntAndBoolTensors_IndexTheSameWay()
    {
        var ids = IntTensor.FromArray([3L, 1, 4, 1, 5, 9], [2, 3]);
        Assert.Equal(new long[] { 4, 9 }, ids[.., ^1].ToArray());
        Assert.Equal(new long[] { 1, 5, 9 }, ids[1].ToArray());
        Assert.Equal(new[] { 2, 2 }, ids[.., 1..].Shape);
        Assert.Equal(5L, ids[1, 1].Item());
        long at = ids.At(0, 2);
        Assert.Equal(new long[] { 1, 5, 9 }, ids[at - 3].ToArray());
        Assert.Equal(5L, ids.At(-1, 1));
        var row = ids[0];
        ids.At(0, 0) = 7;
        Assert.Equal(7L, row.At(0));
        ids[0] = ids[1];
        Assert.Equal(new long[] { 1, 5, 9, 1, 5, 9 }, ids.ToArray());
        ids.IndexPut(0L, .., 0);
        Assert.Equal(new long[] { 0, 5, 9, 0, 5, 9 }, ids.ToArray());
        Assert.Contains("Index: index 2 is out of range for dimension 0 of size 2 in shape [2, 3]", Assert.Throws<ArgumentOutOfRangeException>(() => ids[2]).Message);

        var mask = BoolTensor.Full([2, 3], false);
        mask[.., 1] = BoolTensor.Full([1], true);
        mask.IndexPut(true, 0, ^1);
        Assert.Equal(new[] { false, true, true, false, true, false }, mask.ToArray());
        Assert.Equal(new[] { true, true }, mask[.., 1].ToArray());
        Assert.Contains("too many indices", Assert.Throws<ArgumentException>(() => mask[0, 0, 0]).Message);
    }
}
