namespace Descent.Tests.Ops;

public class ArithmeticGradTests
{
    public static TheoryData<int[], int[]> BroadcastPairs => new()
    {
        { [3, 1, 4], [5, 4] },
        { [5, 4], [3, 1, 4] },
        { [1], [2, 3] },
        { [2, 3], [1] },
        { [], [2, 3] },
        { [2, 3], [] },
        { [7], [7] },
        { [31], [1] },
        { [1, 31], [7, 1] },
        { [2, 1, 3], [1, 4, 1] },
        { [1, 1], [1, 1] },
        { [4, 1, 1, 5], [3, 1] },
    };

    [Theory, MemberData(nameof(BroadcastPairs))]
    public void Add(int[] a, int[] b) => GradCheck.Assert(t => t[0] + t[1], Inputs.Normal(1, a), Inputs.Normal(2, b));

    [Theory, MemberData(nameof(BroadcastPairs))]
    public void Sub(int[] a, int[] b) => GradCheck.Assert(t => t[0] - t[1], Inputs.Normal(3, a), Inputs.Normal(4, b));

    [Theory, MemberData(nameof(BroadcastPairs))]
    public void Mul(int[] a, int[] b) => GradCheck.Assert(t => t[0] * t[1], Inputs.Normal(5, a), Inputs.Normal(6, b));

    [Theory, MemberData(nameof(BroadcastPairs))]
    public void Div(int[] a, int[] b) => GradCheck.Assert(t => t[0] / t[1], Inputs.Normal(7, a), Inputs.AwayFromZero(8, b));

    [Theory, MemberData(nameof(BroadcastPairs))]
    public void MaximumAndMinimum(int[] a, int[] b)
    {
        GradCheck.Assert(t => t[0].Maximum(t[1]), Inputs.Normal(9, a), Inputs.Normal(10, b));
        GradCheck.Assert(t => t[0].Minimum(t[1]), Inputs.Normal(11, a), Inputs.Normal(12, b));
    }

    [Fact]
    public void OnlyOneSideRequiresGrad()
    {
        var x = Inputs.Normal(1, 3, 4);
        var c = Tensor.Randn([4], new Generator(2));
        GradCheck.Assert(t => t[0] * t[1], x, c);
        GradCheck.Assert(t => t[1] / t[0], Inputs.AwayFromZero(3, 4), Tensor.Randn([3, 4], new Generator(4)));
        GradCheck.Assert(t => t[1] - t[0], x, c);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(31)]
    public void ScalarOperands(int n)
    {
        var x = Inputs.AwayFromZero(n, n, 2);
        GradCheck.Assert(t => t[0] + 2.5f, x);
        GradCheck.Assert(t => 2.5f + t[0], x);
        GradCheck.Assert(t => t[0] - 1.5f, x);
        GradCheck.Assert(t => 1.5f - t[0], x);
        GradCheck.Assert(t => t[0].RSub(3f), x);
        GradCheck.Assert(t => t[0] * -3f, x);
        GradCheck.Assert(t => 0.5f * t[0], x);
        GradCheck.Assert(t => t[0] / 4f, x);
        GradCheck.Assert(t => 2f / t[0], x);
        GradCheck.Assert(t => t[0].RDiv(-1.5f), x);
        GradCheck.Assert(t => -t[0], x);
        GradCheck.Assert(t => t[0].Neg(), x);
    }

    [Fact]
    public void ForwardValues()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([10f, 20f, 30f]);
        var c = Tensor.FromArray([2f, 4f], 2, 1);
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, (a + b).ToArray());
        Assert.Equal(new float[] { -9, -18, -27, -6, -15, -24 }, (a - b).ToArray());
        Assert.Equal(new float[] { 2, 4, 6, 16, 20, 24 }, (a * c).ToArray());
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 1, 1.25f, 1.5f }, (a / c).ToArray());
        Assert.Equal(new float[] { 8, 7, 6, 5, 4, 3 }, (9f - a).ToArray());
        Assert.Equal(new float[] { 12, 6, 4, 3, 2.4f, 2 }, (12f / a).ToArray());
        Assert.Equal(new float[] { 3, 4, 5, 6, 7, 8 }, (2f + a).ToArray());
        Assert.Equal(new float[] { -1, -2, -3, -4, -5, -6 }, (-a).ToArray());
        Assert.Equal([3, 2, 3], (a + Tensor.Ones(3, 1, 1)).Shape);
        Assert.Equal(new float[] { 2, 4, 3, 4 }, Tensor.FromArray([1f, 4f, 3f, 0f]).Maximum(Tensor.FromArray([2f, 2f, 2f, 4f])).ToArray());
        Assert.Equal(new float[] { 2, 2, 2, 3 }, Tensor.FromArray([2f, 2f, 2f, 4f]).Minimum(Tensor.Full([1], 3f)).ToArray());
    }

    [Fact]
    public void MaximumSplitsTheGradientOnTies()
    {
        var a = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        var b = Tensor.FromArray([1f, 5f, 0f]).RequireGrad();
        a.Maximum(b).Sum().Backward();
        Assert.Equal(new float[] { 0.5f, 0, 1 }, a.Grad!.ToArray());
        Assert.Equal(new float[] { 0.5f, 1, 0 }, b.Grad!.ToArray());
    }

    [Fact]
    public void MaximumPropagatesNaN()
    {
        var r = Tensor.FromArray([float.NaN, 1f]).Maximum(Tensor.FromArray([0f, float.NaN]));
        Assert.All(r.ToArray(), v => Assert.True(float.IsNaN(v)));
    }
}
