using Descent.Nn;

namespace Descent.Tests.Autograd;

/// <summary>
/// Linear and Conv2d add their weight (and conv bias) gradients straight into a parameter's own
/// .Grad; a weight that is not a leaf goes through the engine as before. Both routes must agree.
/// </summary>
public class ParameterGradTests
{
    // Reaches the weight through an exact identity op, so the product takes the engine's route.
    private static Tensor ThroughEngine(Tensor w) => w * 1f;

    [Theory]
    [InlineData(32)]
    [InlineData(300)]   // more rows than one k block of the weight-gradient product
    public void LinearWeightGradMatchesTheEngineRouteBitForBit(int batch)
    {
        var gen = new Generator(21);
        var x = Tensor.Randn([batch, 70], gen);
        var w = Tensor.Randn([40, 70], gen).RequireGrad();
        var b = Tensor.Randn([40], gen).RequireGrad();
        var upstream = Tensor.Randn([batch, 40], gen);

        Functional.Linear(x, w, b).Backward(upstream);   // .Grad starts null: allocated, then written
        var first = w.Grad!.ToArray();
        w.ZeroGrad();
        Functional.Linear(x, w, b).Backward(upstream);   // after ZeroGrad: accumulated onto zeros
        var afterZero = w.Grad!.ToArray();

        var v = Tensor.FromArray(w.ToArray(), w.Shape).RequireGrad();
        Functional.Linear(x, ThroughEngine(v), b).Backward(upstream);
        var viaEngine = v.Grad!.ToArray();

        Assert.Equal(viaEngine, first);
        Assert.Equal(viaEngine, afterZero);
    }

    [Fact]
    public void LinearWeightGradAccumulatesAcrossBackwardCalls()
    {
        var gen = new Generator(22);
        var x = Tensor.Randn([300, 20], gen);
        var w = Tensor.Randn([10, 20], gen).RequireGrad();
        var upstream = Tensor.Randn([300, 10], gen);
        Functional.Linear(x, w).Backward(upstream);
        var once = w.Grad!.ToArray();
        Functional.Linear(x, w).Backward(upstream);
        var twice = w.Grad!.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 1e-4f * (1 + Math.Abs(once[i])));
    }

    [Fact]
    public void AWeightUsedTwiceSumsBothProducts()
    {
        var gen = new Generator(23);
        var x = Tensor.Randn([8, 6], gen);
        var w = Tensor.Randn([6, 6], gen).RequireGrad();
        // y = (x·Wᵀ)·Wᵀ: both Linear nodes add into the same .Grad.
        Functional.Linear(Functional.Linear(x, w), w).Sum().Backward();
        var v = Tensor.FromArray(w.ToArray(), w.Shape).RequireGrad();
        Functional.Linear(Functional.Linear(x, ThroughEngine(v)), ThroughEngine(v)).Sum().Backward();
        var a = w.Grad!.ToArray();
        var e = v.Grad!.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(e[i], a[i], 1e-5f * (1 + Math.Abs(e[i])));
    }

    [Fact]
    public void Conv2dWeightAndBiasGradsMatchTheEngineRouteBitForBit()
    {
        var gen = new Generator(24);
        var x = Tensor.Randn([5, 3, 9, 9], gen);
        var w = Tensor.Randn([4, 3, 3, 3], gen).RequireGrad();
        var b = Tensor.Randn([4], gen).RequireGrad();
        var upstream = Tensor.Randn([5, 4, 7, 7], gen);
        x.Conv2d(w, b).Backward(upstream);
        w.ZeroGrad();
        b.ZeroGrad();
        x.Conv2d(w, b).Backward(upstream);

        var v = Tensor.FromArray(w.ToArray(), w.Shape).RequireGrad();
        var c = Tensor.FromArray(b.ToArray(), b.Shape).RequireGrad();
        x.Conv2d(ThroughEngine(v), ThroughEngine(c)).Backward(upstream);
        Assert.Equal(v.Grad!.ToArray(), w.Grad!.ToArray());
        Assert.Equal(c.Grad!.ToArray(), b.Grad!.ToArray());
    }

    [Fact]
    public void ZeroGradReadsAsZeroAndTheNextBackwardDoesNotSeeStaleValues()
    {
        var gen = new Generator(26);
        var x = Tensor.Randn([16, 5], gen);
        var w = Tensor.Randn([3, 5], gen).RequireGrad();
        var b = Tensor.Randn([3], gen).RequireGrad();
        Functional.Linear(x, w, b).Square().Sum().Backward();
        var once = w.Grad!.ToArray();
        var onceBias = b.Grad!.ToArray();
        Functional.Linear(x, w, b).Square().Sum().Backward();   // now twice the gradient

        w.ZeroGrad();
        b.ZeroGrad();
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(0f, v));   // read before any backward: cleared

        w.ZeroGrad();
        b.ZeroGrad();
        Functional.Linear(x, w, b).Square().Sum().Backward();   // written over the stale buffers
        Assert.Equal(once, w.Grad!.ToArray());
        Assert.Equal(onceBias, b.Grad!.ToArray());
    }

    [Fact]
    public void AParameterLeftOutOfTheGraphReadsZeroAfterZeroGrad()
    {
        var used = Tensor.FromArray([2f]).RequireGrad();
        var unused = Tensor.FromArray([3f]).RequireGrad();
        (used * unused).Sum().Backward();
        Assert.Equal(2f, unused.Grad!.ToArray()[0]);
        unused.ZeroGrad();
        used.ZeroGrad();
        (used * 5f).Sum().Backward();
        Assert.Equal(5f, used.Grad!.ToArray()[0]);
        Assert.Equal(0f, unused.Grad!.ToArray()[0]);
    }

    [Fact]
    public void AGradAssignedAfterZeroGradIsKept()
    {
        var w = Tensor.FromArray([1f, 2f]).RequireGrad();
        (w * 3f).Sum().Backward();
        w.ZeroGrad();
        w.Grad = Tensor.FromArray([7f, 8f]);
        Assert.Equal([7f, 8f], w.Grad!.ToArray());
        (w * 1f).Sum().Backward();
        Assert.Equal([8f, 9f], w.Grad!.ToArray());
    }

    [Fact]
    public void AGradOfAnotherShapeIsReplacedNotWrittenInto()
    {
        var gen = new Generator(25);
        var x = Tensor.Randn([4, 3], gen);
        var w = Tensor.Randn([2, 3], gen).RequireGrad();
        var stale = Tensor.Zeros([7]);
        w.Grad = stale;
        Functional.Linear(x, w).Sum().Backward();
        Assert.Equal(w.Shape, w.Grad!.Shape);
        Assert.All(stale.ToArray(), s => Assert.Equal(0f, s));
    }
}
