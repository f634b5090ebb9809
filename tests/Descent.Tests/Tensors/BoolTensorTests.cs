namespace Descent.Tests.Tensors;

public class BoolTensorTests
{
    [Theory]
    [InlineData(new[] { true, false }, new[] { 2 }, "tensor([ True, False])")]
    [InlineData(new[] { true, true }, new[] { 2 }, "tensor([True, True])")]
    [InlineData(new[] { false, true, true, false }, new[] { 2, 2 }, "tensor([[False,  True],\n        [ True, False]])")]
    [InlineData(new[] { true }, new int[0], "tensor(True)")]
    [InlineData(new bool[0], new[] { 0 }, "tensor([], dtype=torch.bool)")]
    public void Prints_like_pytorch(bool[] data, int[] shape, string expected) =>
        Assert.Equal(expected, BoolTensor.FromArray(data, shape).ToString());

    [Fact]
    public void Logic_broadcasts()
    {
        var a = BoolTensor.FromArray([true, true, false, false]);
        var b = BoolTensor.FromArray([true, false, true, false]);
        Assert.Equal([true, false, false, false], (a & b).ToArray());
        Assert.Equal([true, true, true, false], (a | b).ToArray());
        Assert.Equal([false, true, true, false], (a ^ b).ToArray());
        Assert.Equal([false, false, true, true], (!a).ToArray());
        Assert.Equal([false, false, true, true], (~a).ToArray());
        var column = BoolTensor.FromArray([true, false], [2, 1]);
        Assert.Equal([true, false, false, false], (column & BoolTensor.FromArray([true, false])).ToArray());
    }

    [Fact]
    public void Reductions_and_conversions()
    {
        var m = BoolTensor.FromArray([true, false, true]);
        Assert.True(m.Any());
        Assert.False(m.All());
        Assert.True(BoolTensor.Full([0], false).All());
        Assert.Equal(2L, m.CountTrue());
        Assert.Equal([1f, 0f, 1f], m.Float().ToArray());
        Assert.Equal([1L, 0, 1], m.Long().ToArray());
        Assert.Equal(2f / 3f, m.Float().Mean().Item(), 6);
    }

    [Fact]
    public void Shape_ops_are_shared_with_the_integer_kind()
    {
        var m = BoolTensor.FromArray([true, false, false, true, true, false], [2, 3]);
        Assert.Equal([true, false, false, true, true, false], m.Transpose(0, 1).Transpose(0, 1).ToArray());
        Assert.Equal([true, true, false, true], m.Transpose(0, 1).Slice(0, 0, 2).ToArray());
        Assert.Equal([4, 3], BoolTensor.Cat([m, m]).Shape);
        Assert.True(m.Equal(m.Clone()));
        Assert.False(m.Equal(!m));
    }
}
