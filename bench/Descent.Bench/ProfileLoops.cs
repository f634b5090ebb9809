using System.Diagnostics;
using Descent.Data;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Bench;

/// <summary>
/// Descent-only training loops for a sampling profiler (<c>perf record</c>): one case's step repeated for a fixed
/// time, so the samples hold no libtorch and little start-up. Run with DOTNET_PerfMapEnabled=1 and
/// DOTNET_EnableWriteXorExecute=0 so perf can name the JIT's code.
/// </summary>
public static class ProfileLoops
{
    /// <summary>Runs the named loop (<c>mlp32</c>, <c>mlp128</c>, <c>mlp1024</c>, <c>inference1024</c>, <c>transformer</c>, <c>attention</c>, <c>lstm</c>, <c>gpt</c>, <c>sample</c> or <c>fit</c>) for <paramref name="seconds"/> and prints its step time.</summary>
    public static void Run(string name, double seconds, int threads)
    {
        Threads.Count = threads;
        Action step = name switch
        {
            "mlp32" => MlpStep(32),
            "mlp128" => MlpStep(128),
            "mlp1024" => MlpStep(1024),
            "inference1024" => MlpInference(1024),
            "transformer" => TransformerStep(),
            "attention" => AttentionStep(),
            "lstm" => LstmStep(),
            "gpt" => GptStep(),
            "sample" => GptSample(),
            "fit" => FitStep(),
            _ => throw new ArgumentException($"profile: unknown loop '{name}'; expected mlp32, mlp128, mlp1024, inference1024, transformer, attention, lstm, gpt, sample or fit"),
        };
        for (int i = 0; i < 20; i++) step();   // past the JIT's tiering thresholds
        // Processor time as well as wall time: on a shared machine the wall clock counts other processes' turns.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int steps = 0;
        var times = new List<double>();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            double start = clock.Elapsed.TotalMilliseconds;
            step();
            times.Add(clock.Elapsed.TotalMilliseconds - start);
            steps++;
        }
        // The fastest step and the median: on a busy machine the fastest is the one least disturbed by others.
        times.Sort();
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        Console.WriteLine($"profile {name}: {steps} steps, {clock.Elapsed.TotalMilliseconds / steps:F2} ms per step ({cpuMs / steps:F2} ms of processor time; fastest {times[0]:F2}, median {times[times.Count / 2]:F2}), {threads} thread(s)");
    }

    // The benchmark's MLP training step: 784-256-128-10 ReLU, cross-entropy, SGD lr 0.01 momentum 0.9.
    private static Action MlpStep(int batch)
    {
        var gen = new Generator(1);
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        var opt = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var loss = new CrossEntropyLoss();
        var x = Tensor.Randn([batch, 784], gen);
        var labels = Tensor.RandInt(0, 10, [batch], gen);
        return () =>
        {
            using var scope = new StepScope();
            opt.ZeroGrad();
            loss.Forward(model.Forward(x), labels).Backward();
            opt.Step();
        };
    }

    // The benchmark's MLP inference: the same model under NoGrad in a step scope, as the bench times it.
    private static Action MlpInference(int batch)
    {
        var gen = new Generator(1);
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        var x = Tensor.Randn([batch, 784], gen);
        return () =>
        {
            using var scope = new StepScope();
            using (Autograd.NoGrad()) GC.KeepAlive(model.Forward(x));
        };
    }

    // The benchmark's transformer case: batch 12, T 64, width 128, 4 heads, MLP 512, pre-norm, MSE, AdamW.
    private static Action TransformerStep()
    {
        var gen = new Generator(11);
        var layer = new TransformerEncoderLayer(128, 4, dimFeedforward: 512, dropout: 0f, normFirst: true, batchFirst: true, generator: gen);
        return MseStep(layer, Tensor.Randn([12, 64, 128], gen), Tensor.Randn([12, 64, 128], gen));
    }

    // The transformer case's attention alone: its 12 × 4 heads of 64 × 32, forward and backward, no mask.
    private static Action AttentionStep()
    {
        var gen = new Generator(13);
        var q = Tensor.Randn([12, 4, 64, 32], gen).RequireGrad();
        var k = Tensor.Randn([12, 4, 64, 32], gen).RequireGrad();
        var v = Tensor.Randn([12, 4, 64, 32], gen).RequireGrad();
        return () =>
        {
            q.ZeroGrad();
            k.ZeroGrad();
            v.ZeroGrad();
            Functional.ScaledDotProductAttention(q, k, v).Sum().Backward();
        };
    }

    // The benchmark's LSTM case: LSTM(64, 128), one layer, x [T 64, N 32, 64] sequence-first, zero initial
    // states, MSE on the output sequence, AdamW.
    private static Action LstmStep()
    {
        var gen = new Generator(12);
        var lstm = new LSTM(64, 128, generator: gen);
        return MseStep(lstm, Tensor.Randn([64, 32, 64], gen), Tensor.Randn([64, 32, 128], gen));
    }

    // The sequence cases' step: MSE against a fixed target, AdamW lr 1e-3, weight decay 0.01, in a step scope as
    // the benchmark's step (Steps.Descent) runs it: without one every big buffer is a fresh, page-faulting array.
    private static Action MseStep(Module model, Tensor x, Tensor target)
    {
        var opt = new AdamW(model.Parameters(), lr: 1e-3, weightDecay: 0.01);
        var loss = new MSELoss();
        return () =>
        {
            using var scope = new StepScope();
            opt.ZeroGrad();
            loss.Forward(model.Forward(x), target).Backward();
            opt.Step();
        };
    }

    // The alloc case's step as Learner.Fit runs it: MLP 784-256-128-10 with ReLU, batch 32 drawn from a shuffling
    // loader inside the step's scope, cross-entropy, SGD with momentum.
    private static Action FitStep()
    {
        var gen = new Generator(3);
        var inputs = Tensor.Randn([32 * 200, 784], gen);
        var loader = new DataLoader(new TensorDataset(inputs, Tensor.RandInt(0, 10, [inputs.Size(0)], gen)), 32, shuffle: true, generator: new Generator(4));
        var model = new Sequential(new Linear(784, 256, generator: gen), new ReLU(), new Linear(256, 128, generator: gen), new ReLU(), new Linear(128, 10, generator: gen));
        var opt = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var loss = new CrossEntropyLoss();
        var batches = loader.GetEnumerator();
        return () =>
        {
            using var scope = new StepScope();
            if (!batches.MoveNext())
            {
                batches = loader.GetEnumerator();
                batches.MoveNext();
            }
            var (x, y) = batches.Current;
            loss.Forward(model.Forward(x), y).Backward();
            opt.Step();
            opt.ZeroGrad();
        };
    }

    // Issue 14's recipe step: a 4-layer GPT of width 128 on batches of 12 × 64 characters (vocabulary 81, Moby-Dick's),
    // cross-entropy, gradient clipping at 1, AdamW with decay on matrices only.
    private static Action GptStep()
    {
        var gen = new Generator(1337);
        var model = new Gpt(new GptConfig(VocabSize: 81), gen);
        var tokens = IntTensor.RandInt(0, 81, [12, 65], gen);
        var x = tokens[.., ..64];
        var y = tokens[.., 1..].Reshape(-1);
        var opt = new AdamW(DecayGroups.MatricesOnly(model, 0.1), lr: 1e-3, beta1: 0.9, beta2: 0.99);
        return () =>
        {
            opt.ZeroGrad();
            var logits = model.Forward(x);
            Losses.CrossEntropy(logits.Reshape(-1, 81), y).Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1.0);
            opt.Step();
        };
    }

    // Issue 14's sampling: 100 characters from the recipe's GPT with the key/value cache, top-k 40 at temperature 0.8.
    private static Action GptSample()
    {
        var model = new Gpt(new GptConfig(VocabSize: 81), new Generator(1337));
        var gen = new Generator(2);
        return () => model.Generate([0], maxTokens: 100, temperature: 0.8f, topK: 40, generator: gen);
    }
}
