using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Training;

namespace Descent.Bench;

/// <summary>
/// What a steady <see cref="Learner.Fit(int, string?)"/> step allocates on the GC heap, how much of it the loader's batches are,
/// and the same step after big products made in scopes have filled the thread's buffer pool (NaN in runs saved before it was measured).
/// </summary>
public sealed record AllocResult(int Batch, int Steps, double BytesPerStep, double LoaderBytesPerBatch, double BytesPerStepAfterBigProducts = double.NaN)
{
    /// <summary>Issue 15's target: a steady step allocates at most 1 KB.</summary>
    public const double TargetBytesPerStep = 1024;

    public bool Met => BytesPerStep <= TargetBytesPerStep;
}

/// <summary>
/// GC bytes per step of a real <see cref="Learner"/> training the benchmark's MLP (784-256-128-10, SGD with
/// momentum, shuffled batches, cross-entropy): read with GC.GetAllocatedBytesForCurrentThread at the end of
/// step <c>warm</c> and of step <c>warm + steps</c>, inside one epoch so no epoch's bookkeeping is counted.
/// </summary>
public static class AllocBench
{
    public static AllocResult LearnerStep(int batch, int warm, int steps)
    {
        double bytes = FitBytesPerStep(batch, warm, steps, () => { });
        double afterBigProducts = FitBytesPerStep(batch, warm, steps, FillPoolWithBigProducts);
        var (inputs, labels, _) = Case(batch, warm, steps);
        return new AllocResult(batch, steps, bytes, LoaderBytesPerBatch(inputs, labels, batch, warm, steps), afterBigProducts);
    }

    // Enough examples for one epoch of warm + steps batches, and the model, from one seed.
    private static (Tensor Inputs, Tensor Labels, Sequential Model) Case(int batch, int warm, int steps)
    {
        var gen = new Generator(3);
        int examples = batch * (warm + steps + 1);
        var inputs = Tensor.Randn([examples, 784], gen);
        var labels = Tensor.RandInt(0, 10, [examples], gen);
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        return (inputs, labels, model);
    }

    // Eight products of [2048, 8]·[8, 2048 - i] in scopes of their own: 16 MB outputs of lengths no step asks for again,
    // twice what the thread's pool keeps, recycled into it once a collection shows them dead.
    private static void FillPoolWithBigProducts()
    {
        var gen = new Generator(5);
        var a = Tensor.Randn([2048, 8], gen);
        for (int i = 0; i < 8; i++)
        {
            var b = Tensor.Randn([8, 2048 - i], gen);
            using var scope = new StepScope();
            Sink.Consume(a.MatMul(b));
        }
        GC.Collect();
        using (new StepScope()) { }
    }

    private static double FitBytesPerStep(int batch, int warm, int steps, Action before)
    {
        before();
        var (inputs, labels, model) = Case(batch, warm, steps);
        var probe = new StepBytes(warm, steps);
        var learner = new Learner(model, new DataLoader(new TensorDataset(inputs, labels), batch, shuffle: true, generator: new Generator(4)), null,
            new CrossEntropyLoss(), new SGD(model.Parameters(), lr: 0.01, momentum: 0.9), callbacks: [probe]);
        learner.Fit(1);
        return probe.BytesPerStep;
    }

    // The same loader alone, each batch drawn inside a step scope as Learner.Fit draws it (the scope pools the
    // batch's buffers), so the step's figure can be read as "the loader's batch, plus the step's own".
    private static double LoaderBytesPerBatch(Tensor inputs, Tensor labels, int batch, int warm, int steps)
    {
        var loader = new DataLoader(new TensorDataset(inputs, labels), batch, shuffle: true, generator: new Generator(4));
        using var batches = loader.GetEnumerator();
        int seen = 0;
        long start = 0;
        while (true)
        {
            using (new StepScope())
            {
                if (!batches.MoveNext()) break;
                Sink.Consume(batches.Current.Input);
                Sink.Consume(batches.Current.Target);
            }
            if (++seen == warm) start = GC.GetAllocatedBytesForCurrentThread();
            if (seen == warm + steps) return (GC.GetAllocatedBytesForCurrentThread() - start) / (double)steps;
        }
        throw new InvalidOperationException($"alloc: the loader gave {seen} batches, fewer than warm {warm} + steps {steps}");
    }

    private sealed class StepBytes(int warm, int steps) : ICallback
    {
        private long _start;

        public double BytesPerStep { get; private set; } = double.NaN;

        public void OnBatchEnd(Learner learner, BatchResult batch)
        {
            if (learner.Step == warm) _start = GC.GetAllocatedBytesForCurrentThread();
            else if (learner.Step == warm + steps) BytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - _start) / (double)steps;
        }
    }
}
