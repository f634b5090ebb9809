namespace Descent.Tests.Tensors;

public class IntTensorTests
{
    [Fact]
    public void Creation_keeps_the_exact_shape_and_every_64_bit_value()
    {
        var big = IntTensor.FromArray([(1L << 53) + 1, long.MinValue, long.MaxValue]);
        Assert.Equal([3], big.Shape);
        Assert.Equal([(1L << 53) + 1, long.MinValue, long.MaxValue], big.ToArray());
        var scalar = IntTensor.FromArray([7L], []);
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(7L, scalar.Item());
        var fromInts = IntTensor.FromArray([1, 2, 3, 4, 5, 6], [2, 3]);
        Assert.Equal([2, 3], fromInts.Shape);
        Assert.Equal(6L, fromInts.Select(0, 1).Select(0, 2).Item());
        Assert.Equal(0, IntTensor.Scalar(3).Rank);
        Assert.Equal([4L, 4, 4, 4], IntTensor.Full([2, 2], 4).ToArray());
        Assert.Equal([0L, 0], IntTensor.Zeros(2).ToArray());
    }

    [Fact]
    public void A_shape_that_the_data_does_not_fill_names_both()
    {
        var e = Assert.Throws<ArgumentException>(() => IntTensor.FromArray([1L, 2, 3], [2, 2]));
        Assert.Contains("3 values do not fill shape [2, 2] (4 elements)", e.Message);
        Assert.Throws<ArgumentException>(() => IntTensor.FromArray([1L, 2], []));
    }

    [Theory]
    [InlineData(0, 5, 1, new long[] { 0, 1, 2, 3, 4 })]
    [InlineData(2, 9, 3, new long[] { 2, 5, 8 })]
    [InlineData(5, 0, -2, new long[] { 5, 3, 1 })]
    [InlineData(3, 3, 1, new long[0])]
    [InlineData(4, 0, 1, new long[0])]
    public void Arange_counts_like_torch(long start, long end, long step, long[] expected) =>
        Assert.Equal(expected, IntTensor.Arange(start, end, step).ToArray());

    [Fact]
    public void RandInt_is_seeded_and_stays_in_range()
    {
        var a = IntTensor.RandInt(-3, 4, [1000], new Generator(5));
        var b = IntTensor.RandInt(-3, 4, [1000], new Generator(5));
        Assert.True(a.Equal(b));
        Assert.Equal(-3L, a.Min());
        Assert.Equal(3L, a.Max());
        var wide = IntTensor.RandInt(0, 1L << 40, [100], new Generator(1));
        Assert.True(wide.Max() > int.MaxValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => IntTensor.RandInt(2, 2, [1]));
    }

    [Fact]
    public void Generator_NextInt_draws_what_it_drew_before_NextBelow_existed()
    {
        // NextInt now delegates to NextBelow: the same rejection rule, so every seeded split and shuffle is unchanged.
        var g = new Generator(42);
        var h = new Generator(42);
        for (int i = 0; i < 100; i++) Assert.Equal((ulong)g.NextInt(1000 + i), h.NextBelow((ulong)(1000 + i)));
    }

    [Theory]
    [InlineData(new long[] { 1, 2, 3 }, new[] { 3 }, "tensor([1, 2, 3])")]
    [InlineData(new long[] { 1, 10, 3, 4 }, new[] { 2, 2 }, "tensor([[ 1, 10],\n        [ 3,  4]])")]
    [InlineData(new long[] { -7, 3 }, new[] { 2 }, "tensor([-7,  3])")]
    [InlineData(new long[] { 5 }, new int[0], "tensor(5)")]
    [InlineData(new long[0], new[] { 0 }, "tensor([], dtype=torch.int64)")]
    [InlineData(new long[0], new[] { 2, 0 }, "tensor([], size=(2, 0), dtype=torch.int64)")]
    public void Prints_like_pytorch(long[] data, int[] shape, string expected) =>
        Assert.Equal(expected, IntTensor.FromArray(data, shape).ToString());

    [Fact]
    public void Long_tensors_over_a_thousand_elements_print_summarized()
    {
        Assert.Equal("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", IntTensor.Arange(2000).ToString());
    }

    [Fact]
    public void Shape_ops_move_the_elements_as_torch_does()
    {
        var t = IntTensor.Arange(6).Reshape(2, 3);
        Assert.Equal([0L, 3, 1, 4, 2, 5], t.Transpose(0, 1).ToArray());
        Assert.Equal([3, 2], t.Permute(1, 0).Shape);
        Assert.Equal([1L, 2, 4, 5], t.Slice(1, 1, 3).ToArray());
        Assert.Equal([2L, 5], t.Select(1, -1).ToArray());
        Assert.Equal([3L, 4, 5], t.Narrow(0, 1, 1).ToArray());
        Assert.Equal([6], t.Flatten().Shape);
        Assert.Equal([2, 1, 3], t.Unsqueeze(1).Shape);
        Assert.Equal([2, 3], t.Unsqueeze(1).Squeeze().Shape);
        Assert.Equal([0L, 1, 2, 0, 1, 2], IntTensor.Arange(3).Expand(2, 3).ToArray());
        Assert.Equal([0L, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5], IntTensor.Cat([t, t], 0).ToArray());
        Assert.Equal([2, 6], IntTensor.Cat([t, t], 1).Shape);
        Assert.Equal([2, 2, 3], IntTensor.Stack([t, t]).Shape);
        var view = t.View(3, 2);
        view.DataSpan[0] = 42;
        Assert.Equal(42L, t.Select(0, 0).Select(0, 0).Item());
        var clone = t.Clone();
        clone.DataSpan[0] = 7;
        Assert.Equal(42L, t.Data[0]);
    }

    [Fact]
    public void Arithmetic_broadcasts_and_rounds_as_python()
    {
        var a = IntTensor.FromArray([7L, -7, 7, -7]);
        var b = IntTensor.FromArray([2L, 2, -2, -2]);
        Assert.Equal([3L, -4, -4, 3], a.FloorDivide(b).ToArray());
        Assert.Equal([1L, 1, -1, -1], (a % b).ToArray());
        Assert.Equal([9L, -5, 5, -9], (a + b).ToArray());
        Assert.Equal([14L, -14, -14, 14], (a * b).ToArray());
        Assert.Equal([-7L, 7, -7, 7], (-a).ToArray());
        var column = IntTensor.FromArray([10L, 20], [2, 1]);
        Assert.Equal([11L, 12, 21, 22], (column + IntTensor.FromArray([1L, 2])).ToArray());
        Assert.Equal([2, 2], (column + IntTensor.FromArray([1L, 2])).Shape);
        Assert.Equal(0L, (a + b - b - a).Max());
        Assert.Equal(-14L, a.Sum() * 0 + (a * 2).Min());
        var e = Assert.Throws<DivideByZeroException>(() => a.FloorDivide(0));
        Assert.Contains("FloorDivide", e.Message);
        var shapes = Assert.Throws<ArgumentException>(() => a + IntTensor.Zeros(3));
        Assert.Contains("Add: shapes cannot be broadcast", shapes.Message);
    }

    [Fact]
    public void Comparisons_give_masks()
    {
        var t = IntTensor.FromArray([1L, 5, 3]);
        Assert.Equal([false, true, false], t.Eq(5).ToArray());
        Assert.Equal([true, false, true], t.Ne(5).ToArray());
        Assert.Equal([true, false, false], t.Lt(3).ToArray());
        Assert.Equal([true, false, true], t.Le(3).ToArray());
        Assert.Equal([false, true, false], t.Gt(3).ToArray());
        Assert.Equal([false, true, true], t.Ge(3).ToArray());
        Assert.Equal([3, 3], t.Eq(IntTensor.FromArray([1L, 5, 3], [3, 1])).Shape);
    }

    [Fact]
    public void Conversions_to_and_from_float()
    {
        var t = IntTensor.FromArray([3L, -2, 0]);
        Assert.Equal([3f, -2f, 0f], t.Float().ToArray());
        Assert.Equal([true, true, false], t.Bool().ToArray());
        Assert.Equal([2L, -1, 0], Tensor.FromArray([2.7f, -1.5f, -0.2f]).Long().ToArray());
        var nan = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, float.NaN]).Long());
        Assert.Contains("element 1 is NaN", nan.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([float.PositiveInfinity]).Long());
        Assert.Equal([true, false], Tensor.FromArray([0.5f, 0f]).Bool().ToArray());
    }

    [Fact]
    public void Float_indices_must_be_whole_numbers()
    {
        Assert.Equal([3L, 0], Tensor.FromArray([3f, 0f]).AsIndices("Gather").ToArray());
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2.5f]).AsIndices("Gather"));
        Assert.Contains("Gather: indices must be whole numbers; element 1", e.Message);
    }

    [Fact]
    public void Item_and_size_name_what_was_wrong()
    {
        Assert.Contains("got shape [2]", Assert.Throws<InvalidOperationException>(() => IntTensor.Zeros(2).Item()).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => IntTensor.Zeros(2).Size(1));
        Assert.Contains("index 2 is out of range for dimension 0 of size 2",
            Assert.Throws<ArgumentOutOfRangeException>(() => IntTensor.Zeros(2).Select(0, 2)).Message);
    }
}
