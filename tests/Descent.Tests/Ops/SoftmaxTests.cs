namespace Descent.Tests.Ops;

public class SoftmaxTests
{
    [Theory]
    [InlineData(new[] { 5 }, -1)]
    [InlineData(new[] { 3, 7 }, 1)]
    [InlineData(new[] { 3, 7 }, 0)]
    [InlineData(new[] { 2, 1, 31 }, -1)]
    [InlineData(new[] { 2, 1, 31 }, 1)]
    [InlineData(new[] { 1 }, 0)]
    public void Gradients(int[] shape, int dim)
    {
        GradCheck.Assert(t => t[0].LogSoftmax(dim), Inputs.Normal(1, shape));
        GradCheck.Assert(t => t[0].Softmax(dim), Inputs.Normal(2, shape));
        GradCheck.Assert(t => t[0].LogSumExp(dim), Inputs.Normal(3, shape));
        GradCheck.Assert(t => t[0].LogSumExp(dim, keepDim: true), Inputs.Normal(4, shape));
    }

    [Fact]
    public void ValuesMatchTheDefinition()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, -1f, 0f, 1f], 2, 3);
        var s = x.Softmax(1).ToArray();
        double z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(1) / z, s[0], 1e-6);
        Assert.Equal(Math.Exp(3) / z, s[2], 1e-6);
        Assert.Equal(s[0], s[3], 1e-6); // softmax is shift-invariant
        var l = x.LogSumExp(1).ToArray();
        Assert.Equal(Math.Log(z), l[0], 1e-5);
        Assert.Equal(Math.Log(z) - 2, l[1], 1e-5);
        var ls = x.LogSoftmax(0).ToArray();
        Assert.Equal(1 - Math.Log(Math.Exp(1) + Math.Exp(-1)), ls[0], 1e-5);
    }

    [Fact]
    public void LargeLogitsStayFinite()
    {
        var x = Tensor.FromArray([1000f, 1001f, -1000f]);
        var s = x.Softmax().ToArray();
        Assert.All(s, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, s.Sum(), 1e-5);
        Assert.Equal(1001 + Math.Log(1 + Math.Exp(-1)), x.LogSumExp(0).Item(), 1e-3);
        Assert.Empty(x.LogSumExp(0).Shape);
    }
}
