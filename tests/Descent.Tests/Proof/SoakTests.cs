using System.Diagnostics;
using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Xunit.Abstractions;

namespace Descent.Tests.Proof;

/// <summary>Tests that measure the whole process's memory: nothing else may run beside them.</summary>
[CollectionDefinition(nameof(ProcessMemoryCollection), DisableParallelization = true)]
public class ProcessMemoryCollection;

/// <summary>
/// Soak: trains an MLP step after step and checks that memory stays flat after warm-up: the process's
/// working set and the managed heap, each measured after a full collection. DESCENT_SOAK_STEPS=10000 runs
/// the long version (working set within 5 %); the default run trains 300 steps.
/// </summary>
[Collection(nameof(ProcessMemoryCollection))]
public class SoakTests(ITestOutputHelper output)
{
    /// <summary>Steps to train: DESCENT_SOAK_STEPS when set, else the short default.</summary>
    private static int Steps =>
        int.TryParse(Environment.GetEnvironmentVariable("DESCENT_SOAK_STEPS"), out int n) && n > 0 ? n : 300;

    private static (long WorkingSet, long Managed) Measure()
    {
        // Aggressive: compacts every generation and gives the freed memory back to the system, so the working set
        // counts what is live, not what the GC keeps in reserve from the data loading before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: true));
    }

    [Fact]
    public void TrainingMemoryStaysFlat()
    {
        int steps = Steps;
        // A tenth of the run, at least 100 steps: the JIT's second tier, the optimizer state, pooled buffers and
        // the GC's own heap sizing all settle in it.
        int warmup = Math.Max(100, steps / 10);
        var init = new Generator(3);
        var model = new Sequential(new Linear(784, 128, generator: init), new ReLU(), new Dropout(0.2f, new Generator(4)), new Linear(128, 10, generator: init));
        var loader = new DataLoader(ProofKit.SomeDigits(asImages: false), batchSize: 32, shuffle: true, generator: new Generator(5));
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var lossFn = new CrossEntropyLoss();
        var clock = Stopwatch.StartNew();
        (long WorkingSet, long Managed) baseline = default;
        long peakWorkingSet = 0, peakManaged = 0;
        float firstLoss = float.NaN, lastLoss = float.NaN;
        int step = 0;
        while (step < steps)
        {
            foreach (var (x, y) in loader)
            {
                var loss = lossFn.Forward(model.Forward(x), y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                if (step == 0) firstLoss = loss.Item();
                step++;
                if (step == warmup) baseline = Measure();
                else if (step > warmup && (step - warmup) % Math.Max(1, (steps - warmup) / 10) == 0 || step == steps)
                {
                    var (ws, managed) = Measure();
                    peakWorkingSet = Math.Max(peakWorkingSet, ws);
                    peakManaged = Math.Max(peakManaged, managed);
                }
                if (step == steps)
                {
                    lastLoss = loss.Item();
                    break;
                }
            }
        }
        var end = Measure();
        double wsGrowth = (double)(Math.Max(peakWorkingSet, end.WorkingSet) - baseline.WorkingSet) / baseline.WorkingSet;
        double managedGrowth = (double)(Math.Max(peakManaged, end.Managed) - baseline.Managed) / baseline.Managed;
        output.WriteLine($"{steps} steps in {clock.Elapsed.TotalSeconds:F1} s (warm-up {warmup}); loss {firstLoss:F3} -> {lastLoss:F3}");
        output.WriteLine($"working set after warm-up {baseline.WorkingSet / 1048576.0:F1} MiB, peak {peakWorkingSet / 1048576.0:F1} MiB, end {end.WorkingSet / 1048576.0:F1} MiB: growth {wsGrowth:P2}");
        output.WriteLine($"managed heap after warm-up {baseline.Managed / 1048576.0:F2} MiB, peak {peakManaged / 1048576.0:F2} MiB, end {end.Managed / 1048576.0:F2} MiB: growth {managedGrowth:P2}");
        Assert.True(lastLoss < firstLoss, $"the model did not train: loss {firstLoss} -> {lastLoss}");
        Assert.True(wsGrowth <= 0.05, $"working set grew {wsGrowth:P2} after warm-up (bound 5 %)");
        Assert.True(managedGrowth <= 0.05, $"managed heap grew {managedGrowth:P2} after warm-up (bound 5 %)");
    }
}
