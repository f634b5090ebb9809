namespace Descent.Tests.Ops;

public class InPlaceTests
{
    [Fact]
    public void InPlaceOpsChangeTheTensorAndReturnIt()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Assert.Same(x, x.AddInPlace(Tensor.FromArray([10f, 20f])));
        Assert.Equal(new float[] { 11, 22, 13, 24 }, x.ToArray());
        x.SubInPlace(Tensor.Scalar(1f));
        Assert.Equal(new float[] { 10, 21, 12, 23 }, x.ToArray());
        x.MulInPlace(Tensor.FromArray([2f, 0f], 2, 1));
        Assert.Equal(new float[] { 20, 42, 0, 0 }, x.ToArray());
        x.DivInPlace(Tensor.FromArray([4f, 2f]));
        Assert.Equal(new float[] { 5, 21, 0, 0 }, x.ToArray());
        x.AddInPlace(Tensor.Ones(2, 2), -2f);
        Assert.Equal(new float[] { 3, 19, -2, -2 }, x.ToArray());
        x.AddInPlace(1f).MulInPlace(0.5f);
        Assert.Equal(new float[] { 2, 10, -0.5f, -0.5f }, x.ToArray());
    }

    [Fact]
    public void RefusedOnATensorRequiringGradWhileRecording()
    {
        var w = Tensor.Ones(3).RequireGrad();
        var e = Assert.Throws<InvalidOperationException>(() => w.SubInPlace(Tensor.Ones(3)));
        Assert.Contains("SubInPlace", e.Message);
        Assert.Contains("NoGrad", e.Message);
        Assert.Throws<InvalidOperationException>(() => w.AddInPlace(1f));
        Assert.Throws<InvalidOperationException>(() => w.MulInPlace(2f));
        Assert.Throws<InvalidOperationException>(() => w.AddInPlace(Tensor.Ones(3), 1f));
        Assert.Equal(new float[] { 1, 1, 1 }, w.ToArray());
    }

    [Fact]
    public void AllowedUnderNoGrad()
    {
        var w = Tensor.Ones(3).RequireGrad();
        using (Descent.Autograd.NoGrad())
        {
            w.SubInPlace(Tensor.FromArray([0.5f, 1f, 1.5f]));
            w.MulInPlace(2f);
        }
        Assert.Equal(new float[] { 1, 0, -1 }, w.ToArray());
        Assert.True(w.IsLeaf);
        Assert.True(w.RequiresGrad);
    }

    [Fact]
    public void OtherOperandMustBroadcastToThisShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(3).AddInPlace(Tensor.Ones(2, 3)));
        Assert.Contains("AddInPlace", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        var f = Assert.Throws<ArgumentException>(() => Tensor.Ones(3).AddInPlace(Tensor.Ones(2), 1f));
        Assert.Contains("[2]", f.Message);
        Assert.Contains("MulInPlace", Assert.Throws<ArgumentException>(() => Tensor.Ones(3).MulInPlace(Tensor.Ones(4))).Message);
    }
}
