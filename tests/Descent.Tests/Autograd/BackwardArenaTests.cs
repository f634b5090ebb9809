using Descent.Nn;
using Descent.Optim;

namespace Descent.Tests.Autograd;

/// <summary>
/// The backward arena recycles every buffer Backward makes; these tests pin down that nothing a user can
/// still reach is ever recycled, and that a steady training step stays allocation-lean.
/// </summary>
public class BackwardArenaTests
{
    private static Sequential Mlp(Generator g) => new(new Linear(784, 256, generator: g), new ReLU(),
        new Linear(256, 128, generator: g), new ReLU(), new Linear(128, 10, generator: g));

    [Fact]
    public void TensorsKeptFromStepOneStillReadTheSameAfterHundredMoreSteps()
    {
        var g = new Generator(7);
        var model = Mlp(g);
        var opt = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var x = Tensor.Randn([16, 784], g);
        var labels = Tensor.RandInt(0, 10, [16], g);
        var loss = new CrossEntropyLoss();

        // Step 1: keep the output, the loss, a hidden activation, the user's seed gradient and a gradient copy.
        var hidden = ((Linear)model[0]).Forward(x).Relu();
        var logits = model.Forward(x);
        var l = loss.Forward(logits, labels);
        var seed = Tensor.Full([], 1f);
        opt.ZeroGrad();
        l.Backward(seed);
        var gradBefore = model.Parameters().First().Grad!;
        float[] gradValues = gradBefore.ToArray();
        opt.Step();
        float[] logitsValues = logits.ToArray(), hiddenValues = hidden.ToArray();
        float lossValue = l.Item();

        for (int step = 0; step < 100; step++)
        {
            opt.ZeroGrad();
            loss.Forward(model.Forward(x), labels).Backward();
            opt.Step();
        }

        Assert.Equal(logitsValues, logits.ToArray());
        Assert.Equal(hiddenValues, hidden.ToArray());
        Assert.Equal(lossValue, l.Item());
        Assert.Equal(1f, seed.Item());
        // The leaf gradient is owned by the parameter: same buffer, reused (zeroed and refilled) every step.
        Assert.Same(gradBefore, model.Parameters().First().Grad);
        Assert.NotEqual(gradValues, gradBefore.ToArray());
    }

    [Fact]
    public void AClosureThatReturnsItsSavedInputsGradientIsNotRecycled()
    {
        // Clone's and Reshape's backward return the incoming gradient itself (or a view): with a user-given
        // gradient, that is the caller's tensor, which must come out untouched.
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2).RequireGrad();
        var y = x.Clone().Reshape(4);
        var gradient = Tensor.FromArray([5f, 6f, 7f, 8f]);
        y.Backward(gradient);
        var z = (x * 2f).Sum();
        z.Backward();
        Assert.Equal([5f, 6f, 7f, 8f], gradient.ToArray());
        Assert.Equal([7f, 8f, 9f, 10f], x.Grad!.ToArray());
    }

    [Fact]
    public void RetainedGraphGivesTheSameGradientsOnEveryPass()
    {
        // A closure that cached an arena tensor between passes would read recycled data on the second pass.
        var g = new Generator(3);
        var input = Tensor.Randn([2, 1, 7, 7], g).RequireGrad();
        var conv = new Conv2d(1, 3, 3, padding: 1, generator: g);
        var lin = new Linear(3 * 3 * 3, 4, generator: g);
        var b = Tensor.Randn([4], g).RequireGrad();
        var y = lin.Forward(conv.Forward(input).Relu().MaxPool2d(2).Flatten(1)).Sub(b).Pow(2f).Mean();
        y.Backward(retainGraph: true);
        var first = input.Grad!.ToArray();
        var firstB = b.Grad!.ToArray();
        input.ZeroGrad();
        b.ZeroGrad();
        var w = Tensor.Randn([5, 5], g).RequireGrad();
        (w * w).Sum().Backward();   // another Backward in between reuses the pooled buffers
        y.Backward();
        Assert.Equal(first, input.Grad!.ToArray());
        Assert.Equal(firstB, b.Grad!.ToArray());
    }

    [Fact]
    public void ArenaIsClosedAfterBackwardEvenWhenAClosureThrows()
    {
        var x = Tensor.FromArray([1f, 2f]).RequireGrad();
        var y = x * 2f;
        y.Backward(Tensor.FromArray([1f, 1f]));
        Assert.Throws<InvalidOperationException>(() => y.Backward(Tensor.FromArray([1f, 1f])));
        Assert.False(BufferPool.InArena);
        var fresh = x + 1f;
        Assert.Equal([2f, 3f], fresh.ToArray());
    }

    [Fact]
    public void SteadyMlpStepAllocatesLittle()
    {
        // Batch 32 keeps ~90 KB of forward activations on the GC heap (user-visible, so never pooled); the
        // backward pass, the optimizer and the kernels' scratch come from pools. Measured ~100 KB per step.
        var g = new Generator(11);
        var model = Mlp(g);
        var opt = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var x = Tensor.Randn([32, 784], g);
        var labels = Tensor.RandInt(0, 10, [32], g);
        var loss = new CrossEntropyLoss();
        void Step()
        {
            opt.ZeroGrad();
            loss.Forward(model.Forward(x), labels).Backward();
            opt.Step();
        }
        for (int i = 0; i < 5; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(perStep < BytesBound, $"a steady MLP step allocated {perStep} bytes; the bound is {BytesBound}");
    }

    private const long BytesBound = 140_000;

    [Fact]
    public void ASteadyBackwardMakesNoObjects() => FreshThread.Run(() =>
    {
        // Its gradients' tensor objects are the arena's as much as their buffers: both come back when Backward ends.
        var g = new Generator(13);
        var model = Mlp(g);
        var x = Tensor.Randn([32, 784], g);
        var labels = Tensor.RandInt(0, 10, [32], g);
        var loss = new CrossEntropyLoss();
        long least = long.MaxValue;
        for (int step = 0; step < 8; step++)
        {
            var value = loss.Forward(model.Forward(x), labels);
            long before = GC.GetAllocatedBytesForCurrentThread();
            value.Backward();
            if (step >= 3) least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    });

    [Fact]
    public void GradientsAreTheSameWhetherTheArenaReusesItsTensorsOrMakesThemNew()
    {
        // The first Backward on a fresh thread makes every object; later ones reuse them.
        float[][] Gradients()
        {
            var g = new Generator(17);
            var model = Mlp(g);
            var x = Tensor.Randn([8, 784], g);
            var labels = Tensor.RandInt(0, 10, [8], g);
            new CrossEntropyLoss().Forward(model.Forward(x), labels).Backward();
            return model.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        }
        float[][] fresh = [];
        FreshThread.Run(() => fresh = Gradients());
        for (int i = 0; i < 3; i++) Gradients();
        Assert.Equal(fresh, Gradients());
    }

    [Theory]
    [InlineData(new[] { 50 }, new int[0])]
    [InlineData(new[] { 4, 3 }, new[] { 3 })]
    [InlineData(new[] { 4, 3 }, new[] { 4, 1 })]
    [InlineData(new[] { 2, 3, 5 }, new[] { 1, 5 })]
    [InlineData(new[] { 2, 3, 5 }, new[] { 3, 1 })]
    [InlineData(new[] { 2, 1, 5 }, new[] { 1, 1 })]
    [InlineData(new[] { 2, 3, 5, 7 }, new int[0])]
    [InlineData(new[] { 6, 1 }, new[] { 1 })]
    public void SumToMatchesSumAndReshapeBitForBit(int[] from, int[] to)
    {
        var g = Tensor.Randn(from, new Generator(5));
        var lead = from.Length - to.Length;
        var dims = Enumerable.Range(0, from.Length).Where(i => i < lead || (to[i - lead] == 1 && from[i] != 1)).ToArray();
        var want = g.Sum(dims, keepDim: true).Reshape(to);
        var got = Engine.SumTo(g, to);
        Assert.Equal(to, got.Shape);
        Assert.Equal(want.ToArray(), got.ToArray());
    }
}
