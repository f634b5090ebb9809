using AutogradScope = Descent.Autograd;

namespace Descent.Tests.Autograd;

public class BackwardTests
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
        // d/da mean((ax+b-y)^2) at 0 = mean(-2xy) = -2(11+28+51)/3 = -60; d/db = mean(-2y) = -28
        Assert.Equal(-60f, a.Grad!.Item(), 1e-4);
        Assert.Equal(-28f, b.Grad!.Item(), 1e-4);
        Assert.Empty(a.Grad.Shape);
    }

    [Fact]
    public void GradientsAccumulateUntilZeroGrad()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(new float[] { 4, 8 }, x.Grad!.ToArray());
        var buffer = x.Grad;
        x.ZeroGrad();
        Assert.Same(buffer, x.Grad);
        Assert.Equal(new float[] { 0, 0 }, x.Grad.ToArray());
        (x * 3f).Sum().Backward();
        Assert.Equal(new float[] { 3, 3 }, x.Grad.ToArray());
    }

    [Fact]
    public void ZeroGradWithoutAGradientDoesNothing()
    {
        var x = Tensor.Ones(2).RequireGrad();
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void BackwardWithAGradientForNonScalars()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        var y = x * x;
        y.Backward(Tensor.FromArray([1f, 0.5f, -1f]));
        Assert.Equal(new float[] { 2, 2, -6 }, x.Grad!.ToArray());
    }

    [Fact]
    public void BackwardOnALeafAccumulatesTheSeed()
    {
        var x = Tensor.Scalar(2f).RequireGrad();
        x.Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }

    [Fact]
    public void GradientShapeIsChecked()
    {
        var y = Tensor.Ones(2, 3).RequireGrad() * 2f;
        var e = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(3, 2)));
        Assert.Contains("Backward", e.Message);
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void NonScalarWithoutGradientSaysSo()
    {
        var y = Tensor.Ones(2, 3).RequireGrad() * 2f;
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("scalar", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void TensorNotRequiringGradSaysSo()
    {
        var y = Tensor.Ones(2) * 2f;
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void SecondBackwardThroughAFreedGraphThrows()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var loss = (x * x).Sum();
        loss.Backward();
        Assert.True(loss.GradFn!.IsReleased);
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("already freed", e.Message);
        Assert.Contains("retainGraph", e.Message);
        Assert.Equal(new float[] { 2, 4 }, x.Grad!.ToArray());
    }

    [Fact]
    public void FreedIntermediatesCannotBeReusedByANewGraph()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var h = x.Exp();
        h.Sum().Backward();
        var e = Assert.Throws<InvalidOperationException>(() => (h * 2f).Sum().Backward());
        Assert.Contains("Exp", e.Message);
    }

    [Fact]
    public void RetainGraphAllowsASecondBackward()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var loss = (x * x * x).Sum();
        loss.Backward(retainGraph: true);
        Assert.False(loss.GradFn!.IsReleased);
        loss.Backward();
        Assert.Equal(new float[] { 6, 24 }, x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradScopesNestAndRecordNothing()
    {
        var x = Tensor.Ones(2).RequireGrad();
        Assert.True(AutogradScope.IsEnabled);
        using (AutogradScope.NoGrad())
        {
            using (AutogradScope.NoGrad())
            {
                var inner = x * 2f;
                Assert.False(inner.RequiresGrad);
                Assert.Null(inner.GradFn);
            }
            Assert.False(AutogradScope.IsEnabled);
            var outer = x + x;
            Assert.False(outer.RequiresGrad);
            Assert.Null(Tensor.Cat([x, x]).GradFn);
            Assert.Null(x.MatMul(x).GradFn);
        }
        Assert.True(AutogradScope.IsEnabled);
        Assert.True((x * 2f).RequiresGrad);
    }

    [Fact]
    public void ExtraDisposeDoesNotTurnRecordingOff()
    {
        var scope = AutogradScope.NoGrad();
        scope.Dispose();
        scope.Dispose();
        default(AutogradScope.NoGradScope).Dispose();
        Assert.True(AutogradScope.IsEnabled);
        Assert.True((Tensor.Ones(1).RequireGrad() * 2f).RequiresGrad);
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        var y = (x * d.Exp()).Sum();
        y.Backward();
        Assert.Equal(MathF.Exp(1f), x.Grad!.At(0), 1e-5);
        Assert.Equal(MathF.Exp(2f), x.Grad.At(1), 1e-5);
        var h = (x * 3f).Detach();
        Assert.Null(h.GradFn);
        Assert.False(h.RequiresGrad);
    }

    [Fact]
    public void DiamondGraphSumsBothPaths()
    {
        var x = Tensor.Scalar(3f).RequireGrad();
        var a = x * 2f;
        var b = x.Square();
        (a * b).Backward(); // 2x³ → 6x² = 54
        Assert.Equal(54f, x.Grad!.Item(), 1e-4);
        var z = Tensor.Scalar(1.5f).RequireGrad();
        (z + z + z).Backward();
        Assert.Equal(3f, z.Grad!.Item());
    }

    [Fact]
    public void LongChainsDoNotOverflowTheStack()
    {
        var x = Tensor.Scalar(0f).RequireGrad();
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y + 1e-6f;
        var z = y * 1.0f;
        for (int i = 0; i < 100_000; i++) z = z * 1.0f;
        z.Backward();
        Assert.Equal(1f, x.Grad!.Item());
        Assert.Equal(0.1f, y.Item(), 1e-3);
    }

    [Fact]
    public void GradientsAreBitIdenticalRunToRun()
    {
        static float[] Run()
        {
            var g = new Generator(17);
            var x = Tensor.Randn([8, 5], g).RequireGrad();
            var w = Tensor.Randn([5, 5], g);
            var h = x;
            var branches = new List<Tensor>();
            for (int i = 0; i < 6; i++)
            {
                h = (h.MatMul(w) * 0.3f).Exp().Mean(1, keepDim: true) + h;
                branches.Add(h.Sum(0) * (i + 0.1f));
            }
            Tensor.Stack(branches.ToArray()).LogSumExp(0).Sum().Backward();
            return x.Grad!.ToArray();
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a.Select(BitConverter.SingleToInt32Bits), b.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void ParentsAreVisitedInInsertionOrder()
    {
        // Each op records the order in which Backward reached it; a ladder of shared nodes must be
        // walked the same way every time, in reverse topological order.
        var visits = new List<string>();
        var x = Tensor.Scalar(1f).RequireGrad();
        Tensor Tag(Tensor t, string name) =>
            Descent.Autograd.Record(new Tensor(t.Storage, t.Offset, t.Shape), name, [t], g => { visits.Add(name); return [g]; });
        var a = Tag(x, "a");
        var b = Tag(a, "b");
        var c = Tag(a, "c");
        var d = Descent.Autograd.Record(Tensor.Scalar(0f), "d", [b, c], g => { visits.Add("d"); return [g, g]; });
        d.Backward();
        Assert.Equal(["d", "c", "b", "a"], visits);
        Assert.Equal(2f, x.Grad!.Item());
    }

    [Fact]
    public void OnlyInputsRequiringGradReceiveGradients()
    {
        var x = Tensor.Ones(2).RequireGrad();
        var c = Tensor.Ones(2);
        (x * c).Sum().Backward();
        Assert.NotNull(x.Grad);
        Assert.Null(c.Grad);
    }

    [Fact]
    public void NonLeavesKeepNoGradAndCannotDropRequiresGrad()
    {
        var x = Tensor.Ones(2).RequireGrad();
        var h = x * 2f;
        h.Sum().Backward();
        Assert.Null(h.Grad);
        Assert.False(h.IsLeaf);
        Assert.Throws<InvalidOperationException>(() => h.RequiresGrad = false);
    }
}
