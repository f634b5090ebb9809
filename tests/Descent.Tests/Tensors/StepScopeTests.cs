using System.Runtime.CompilerServices;
using Descent.Data;
using Descent.Kernels;
using Descent.Nn;
using Descent.Tests.Kernels;
using Descent.Optim;
using Descent.Training;

namespace Descent.Tests.Tensors;

/// <summary>
/// The step scope recycles a step's buffers only once no reachable tensor uses them: tensors kept from a step
/// (and their views) read the same after many more steps, buffers really are reused, and training gives the
/// same bits with and without it.
/// </summary>
public class StepScopeTests
{
    private static Sequential Mlp(Generator g) => new(new Linear(64, 96, generator: g), new ReLU(),
        new Linear(96, 48, generator: g), new ReLU(), new Linear(48, 10, generator: g));

    /// <summary>One training step of <paramref name="model"/>, optionally in a scope; returns the loss and logits.</summary>
    private static (Tensor Loss, Tensor Logits) Step(Sequential model, Optimizer opt, Tensor x, Tensor labels, bool scoped)
    {
        var scope = scoped ? new StepScope() : default;
        try
        {
            var logits = model.Forward(x);
            var loss = Losses.CrossEntropy(logits, labels);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            return (loss, logits);
        }
        finally
        {
            scope.Dispose();
        }
    }

    /// <summary>
    /// Step 1 in a scope, keeping an activation, the loss and the logits, and views whose owners die here: only
    /// the views leave. Not inlined, so that no slot of the test's own frame keeps an owner alive (Debug code
    /// reports every slot live until the method returns).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor, Tensor, Tensor, Tensor, Parameter, Tensor, Tensor) StepOne(Sequential model, Optimizer opt, Tensor x, Tensor labels)
    {
        using var scope = new StepScope();
        var first = (Linear)model[0];
        var hidden = first.Forward(x).Relu();     // [32, 96]: pooled and tracked
        var (loss, logits) = Step(model, opt, x, labels, scoped: false);
        return (hidden, first.Forward(x).Reshape(96, 32), first.Forward(x).Detach(), first.Forward(x)[3],
            new Parameter(first.Forward(x) * 2f, requiresGrad: false), loss, logits);
    }

    [Fact]
    public void TensorsKeptFromStepOneReadTheSameAfterHundredMoreScopedSteps()
    {
        var g = new Generator(3);
        var model = Mlp(g);
        var opt = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        var x = Tensor.Randn([32, 64], g);
        var labels = Tensor.RandInt(0, 10, [32], g);
        long recycledBefore = StepArena.Counters.Recycled;

        var (hidden, view, detached, row, adopted, loss, logits) = StepOne(model, opt, x, labels);
        float[] hiddenValues = hidden.ToArray(), viewValues = view.ToArray(), detachedValues = detached.ToArray();
        float[] rowValues = row.ToArray(), adoptedValues = adopted.ToArray(), logitValues = logits.ToArray();
        float lossValue = loss.Item();

        for (int step = 0; step < 100; step++)
        {
            Step(model, opt, x, labels, scoped: true);
            // Collections every step give the scope every chance to recycle what it wrongly thought dead.
            GC.Collect();
        }

        Assert.True(StepArena.Counters.Recycled > recycledBefore, "the scoped steps recycled nothing, so this test proves nothing");
        Assert.Equal(hiddenValues, hidden.ToArray());
        Assert.Equal(viewValues, view.ToArray());
        Assert.Equal(detachedValues, detached.ToArray());
        Assert.Equal(rowValues, row.ToArray());
        Assert.Equal(adoptedValues, adopted.ToArray());
        Assert.Equal(logitValues, logits.ToArray());
        Assert.Equal(lossValue, loss.Item());
    }

    private sealed class KeepFirstOutput : IMetric
    {
        public Tensor? First;
        public float[]? Values;
        public string Name => "keep";
        public bool HigherIsBetter => true;
        public void Reset() { }

        public void Update(Tensor output, Tensor target)
        {
            if (First != null) return;
            First = output;
            Values = output.ToArray();
        }

        public double Compute() => 0;
    }

    [Fact]
    public void AnOutputAMetricKeepsFromLearnerFitStepOneReadsTheSameAfterTheRun()
    {
        var g = new Generator(5);
        var model = Mlp(g);
        var data = new TensorDataset(Tensor.Randn([32 * 40, 64], g), Tensor.RandInt(0, 10, [32 * 40], g));
        var keep = new KeepFirstOutput();
        var learner = new Learner(model, new DataLoader(data, 32), null, new CrossEntropyLoss(),
            new SGD(model.Parameters(), lr: 0.05), metrics: [keep]);
        long recycledBefore = StepArena.Counters.Recycled;

        learner.Fit(3);   // 120 steps, each in Learner.Fit's own scope
        GC.Collect();
        learner.Fit(4);

        Assert.True(StepArena.Counters.Recycled > recycledBefore, "Learner.Fit's scope recycled nothing");
        Assert.Equal(keep.Values, keep.First!.ToArray());
    }

    private static Tensor MadeInAScope(Tensor x)
    {
        using var scope = new StepScope();
        return (x * 3f).Relu() + 1f;
    }

    [Fact]
    public void ATensorReturnedFromAScopeKeepsItsValues()
    {
        var g = new Generator(9);
        var x = Tensor.Randn([40, 40], g);
        var returned = MadeInAScope(x);
        float[] expected = returned.ToArray();
        for (int i = 0; i < 50; i++)
        {
            MadeInAScope(Tensor.Randn([40, 40], g));
            GC.Collect();
        }
        Assert.Equal(expected, returned.ToArray());
    }

    [Fact]
    public void AnInnerScopeRecyclesNothingAndTheOuterEndsTheStep()
    {
        var g = new Generator(11);
        Tensor fromInner;
        float[] values;
        using (new StepScope())
        {
            using (new StepScope())
            {
                fromInner = Tensor.Randn([30, 30], g) * 2f;
            }
            Assert.True(StepArena.IsOpen);
            values = fromInner.ToArray();
            for (int i = 0; i < 20; i++)
            {
                using (new StepScope()) _ = Tensor.Randn([30, 30], g) * 2f;
                GC.Collect();
            }
            Assert.Equal(values, fromInner.ToArray());
        }
        Assert.False(StepArena.IsOpen);
        Assert.Equal(values, fromInner.ToArray());
    }

    [Fact]
    public void ScopesMustEndInReverseOrderAndADefaultScopeEndsNothing()
    {
        var outer = new StepScope();
        var inner = new StepScope();
        var error = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("StepScope", error.Message);
        Assert.Contains("reverse order", error.Message);
        inner.Dispose();
        inner.Dispose();               // a second end is a no-op
        default(StepScope).Dispose();  // so is a scope never opened
        Assert.True(StepArena.IsOpen);
        outer.Dispose();
        Assert.False(StepArena.IsOpen);
    }

    [Fact]
    public void AScopeBelongsToItsThread()
    {
        var g = new Generator(13);
        using var scope = new StepScope();
        var pendingBefore = StepArena.Counters.Pending;
        bool openThere = true;
        int pendingThere = -1;
        float[]? madeThere = null;
        var thread = new Thread(() =>
        {
            openThere = StepArena.IsOpen;
            var t = Tensor.Randn([50, 50], new Generator(1)) + 1f;   // no scope on this thread: a plain array
            pendingThere = StepArena.Counters.Pending;
            madeThere = t.ToArray();
        });
        thread.Start();
        thread.Join();
        Assert.False(openThere);
        Assert.Equal(0, pendingThere);
        Assert.Equal(pendingBefore, StepArena.Counters.Pending);
        _ = Tensor.Randn([50, 50], g) + 1f;
        Assert.True(StepArena.Counters.Pending > pendingBefore);
        Assert.Equal(Tensor.Randn([50, 50], new Generator(1)).Add(1f).ToArray(), madeThere);
    }

    [Fact]
    public void TwoThreadsTrainingInTheirOwnScopesMatchOneThreadWithout()
    {
        float[] Train(bool scoped)
        {
            var g = new Generator(17);
            var model = Mlp(g);
            var opt = new Adam(model.Parameters(), lr: 1e-3);
            var x = Tensor.Randn([32, 64], g);
            var labels = Tensor.RandInt(0, 10, [32], g);
            for (int i = 0; i < 30; i++) Step(model, opt, x, labels, scoped);
            return model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        }
        var expected = Train(scoped: false);
        float[]? a = null, b = null;
        var ta = new Thread(() => a = Train(scoped: true));
        var tb = new Thread(() => b = Train(scoped: true));
        ta.Start();
        tb.Start();
        ta.Join();
        tb.Join();
        Assert.Equal(expected, a);
        Assert.Equal(expected, b);
    }

    [Fact]
    public void TrainingIsBitIdenticalWithAndWithoutTheScope()
    {
        float[] Train(bool scoped)
        {
            var g = new Generator(23);
            var model = Mlp(g);
            var opt = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
            var x = Tensor.Randn([32, 64], g);
            var labels = Tensor.RandInt(0, 10, [32], g);
            var losses = new List<float>();
            for (int i = 0; i < 60; i++)
            {
                losses.Add(Step(model, opt, x, labels, scoped).Loss.Item());
                if (i % 10 == 0) GC.Collect();
            }
            return [.. losses, .. model.Parameters().SelectMany(p => p.ToArray())];
        }
        Assert.Equal(Train(scoped: false), Train(scoped: true));
    }

    [Fact]
    public void TinyTensorsAreNeverTracked()
    {
        using var scope = new StepScope();
        int pending = StepArena.Counters.Pending;
        var a = Tensor.Scalar(1f);
        for (int i = 0; i < 100; i++) a = a + Tensor.Scalar(2f);
        Assert.Equal(pending, StepArena.Counters.Pending);
        Assert.Equal(201f, a.Item());
    }

    [Fact]
    public void BatchSizedVectorsAreTrackedInAScopeAndNotInTheBackwardArena()
    {
        int n = BufferPool.MinStepPooledLength;
        using var scope = new StepScope();
        int pending = StepArena.Counters.Pending;
        var below = Tensor.Zeros(n - 1);
        Assert.Equal(pending, StepArena.Counters.Pending);
        var vector = Tensor.Zeros(n);
        Assert.Equal(pending + 1, StepArena.Counters.Pending);
        // The backward arena keeps its own threshold: a vector this small is a fresh array there, never tracked.
        BufferPool.EnterArena();
        try
        {
            var first = BufferPool.ForTensor(n);
            BufferPool.ExitArena();
            BufferPool.EnterArena();
            Assert.NotSame(first, BufferPool.ForTensor(n));
        }
        finally
        {
            BufferPool.ExitArena();
        }
        Assert.Equal(new float[n], vector.ToArray());
        Assert.Equal(n - 1, below.Numel);
    }

    [Fact]
    public void TheLoaderMakesItsBatchesInAScopeOfItsOwn()
    {
        var g = new Generator(5);
        var inputs = Tensor.Randn([12, 64], g);
        var loader = new DataLoader(new TensorDataset(inputs, Tensor.RandInt(0, 3, [12], g)), batchSize: 4);
        static long Tracked() => StepArena.Counters.Pending + StepArena.Counters.Recycled + StepArena.Counters.Released;
        long tracked = Tracked();
        var batches = new List<Tensor>();
        foreach (var (x, _) in loader)
        {
            Assert.False(StepArena.IsOpen);
            batches.Add(x);
        }
        // Each [4, 64] input was tracked (the [4] targets are under the threshold), and all keep their values.
        Assert.Equal(tracked + 3, Tracked());
        for (int b = 0; b < 3; b++) Assert.Equal(inputs.Data.Slice(b * 256, 256).ToArray(), batches[b].ToArray());
    }
}

/// <summary>
/// Reuse measured alone: tests that change the thread count change kernels' scratch sizes, and other tests'
/// collections promote tensors, so this one runs with no other test beside it.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class StepScopeReuseTests
{
    [Fact]
    public void ASteadyScopedStepTakesNoFreshLargeArrays()
    {
        // On a thread of its own: a test thread's pool may be full of other tests' sizes.
        FreshThread.Run(SteadyStep);
    }

    private static void SteadyStep()
    {
        var g = new Generator(19);
        var model = new Sequential(new Linear(256, 512, generator: g), new ReLU(), new Linear(512, 10, generator: g));
        var opt = new AdamW(model.Parameters(), lr: 1e-3);
        var x = Tensor.Randn([128, 256], g);
        var labels = Tensor.RandInt(0, 10, [128], g);
        // Warm-up: several rounds of forced collections, so the pool holds a round's worth of buffers.
        for (int i = 0; i < 200; i++)
        {
            using var scope = new StepScope();
            Losses.CrossEntropy(model.Forward(x), labels).Backward();
            opt.Step();
            opt.ZeroGrad();
        }
        long fresh = ScratchPool.FreshBuffers;
        var (_, released, forced, _, _) = StepArena.Counters;
        for (int i = 0; i < 200; i++)
        {
            using var scope = new StepScope();
            Losses.CrossEntropy(model.Forward(x), labels).Backward();
            opt.Step();
            opt.ZeroGrad();
        }
        Assert.True(StepArena.Counters.ForcedCollections > forced, "no collection was needed: the step is too small to test reuse");
        // A tensor alive across two collections (other tests collect too) reaches generation 2 and its buffer
        // is left to the GC; and a collection the scope did not force (another thread's) shortens one round, so
        // the next may be longer than any before and need a few more buffers. Nothing else may need a new one;
        // without reuse, each of the 200 steps would take several.
        long freshNow = ScratchPool.FreshBuffers - fresh, releasedNow = StepArena.Counters.Released - released;
        Assert.True(freshNow <= releasedNow + 10, $"{freshNow} fresh buffers in 200 steady steps; {releasedNow} owners were released to the GC");
    }
}
