namespace Descent.Tests.Autograd;

public class SmokeTests
{
    [Fact]
    public void TutorialStepFindsGradients()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]);
        var y = Tensor.FromArray([11f, 14f, 17f]);
        var a = Tensor.Scalar(0f).RequireGrad();
        var b = Tensor.Scalar(0f).RequireGrad();
        var loss = (x * a + b - y).Pow(2).Mean();
        loss.Backward();
        // d/da mean((ax+b-y)^2) at 0 = mean(-2 x y) = -2(11+28+51)/3 = -60
        Assert.Equal(-60f, a.Grad!.Item(), 4);
        Assert.Equal(-28f, b.Grad!.Item(), 4);
    }

    [Fact]
    public void GradCheckBroadcastMulMatMul()
    {
        var g = new Generator(1);
        var p = Tensor.Randn([3, 1, 4], g).RequireGrad();
        var q = Tensor.Randn([5, 4], g).RequireGrad();
        GradCheck.Assert(t => (t[0] * t[1]).Exp().Sum(1), p, q);
        var m = Tensor.Randn([2, 3, 4], g).RequireGrad();
        var n = Tensor.Randn([4, 5], g).RequireGrad();
        GradCheck.Assert(t => t[0].MatMul(t[1]), m, n);
    }

    [Fact]
    public void Prints()
    {
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2).ToString());
        Assert.Equal("tensor(3.5000, requires_grad=True)", Tensor.Scalar(3.5f).RequireGrad().ToString());
    }
}
