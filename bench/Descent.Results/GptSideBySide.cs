using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Descent.Bench;
using Descent.Data;
using Descent.Training;
using TorchSharp;

namespace Descent.Results;

/// <summary>One library's run of the GPT recipe for one seed.</summary>
/// <param name="Library">"Descent" or "TorchSharp".</param>
/// <param name="Seed">The recipe's seed.</param>
/// <param name="ValidLoss">Validation loss after the last iteration (the recipe's evaluation batches).</param>
/// <param name="TrainLoss">Training-split loss measured the same way.</param>
/// <param name="TrainSeconds">Wall seconds of the iterations, evaluation excluded.</param>
/// <param name="TokensPerSecond">Training tokens per train second.</param>
/// <param name="SampleCharsPerSecond">Characters sampled per second with the key/value cache (Descent only; NaN otherwise).</param>
/// <param name="SampleCharsPerSecondNoCache">The same recomputing the window per character (Descent only).</param>
/// <param name="Evaluations">(step, train, valid) at the start, every eval interval and the end.</param>
internal sealed record GptRun(string Library, ulong Seed, double ValidLoss, double TrainLoss, double TrainSeconds, double TokensPerSecond,
    double SampleCharsPerSecond, double SampleCharsPerSecondNoCache, IReadOnlyList<(long Step, double Train, double Valid)> Evaluations);

/// <summary>
/// The README's GPT result: Descent's <see cref="LmTrainer"/> and TorchSharp (<see cref="TorchGpt"/>) train the same
/// model from the same initial weights on the same batches (drawn from the same <see cref="TokenWindows"/> and
/// generators), with the same AdamW groups, schedule and clipping, on the same threads; evaluated on the same
/// batches. Usage: <c>gpt [--iterations N] [--seeds K] [--threads T] [--save]</c>.
/// </summary>
internal static class GptSideBySide
{
    private const string Usage = "usage: Descent.Results gpt [--iterations N] [--seeds K] [--threads T] [--eval-batches N] [--sample-chars N] [--save]";
    private const string Prompt = "Call me ";

    public static int Run(string[] args)
    {
        int? iterations = null, evalBatches = null;
        int seeds = 3, threads = 2, sampleChars = 2000;
        bool save = false;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--iterations" when int.TryParse(value, CultureInfo.InvariantCulture, out int n) && n > 0: iterations = n; i++; break;
                case "--eval-batches" when int.TryParse(value, CultureInfo.InvariantCulture, out int e) && e > 0: evalBatches = e; i++; break;
                case "--seeds" when int.TryParse(value, CultureInfo.InvariantCulture, out int k) && k > 0: seeds = k; i++; break;
                case "--threads" when int.TryParse(value, CultureInfo.InvariantCulture, out int th) && th > 0: threads = th; i++; break;
                case "--sample-chars" when int.TryParse(value, CultureInfo.InvariantCulture, out int c) && c > 0: sampleChars = c; i++; break;
                case "--save": save = true; break;
                default:
                    Console.Error.WriteLine($"Descent.Results gpt: bad option '{args[i]}'. {Usage}");
                    return 2;
            }
        }
        Oracle.LibTorchLoadFix.Apply();
        Threads.Count = threads;
        torch.set_num_threads(threads);
        string cpu = CpuInfo.Model();
        var baseRecipe = new LmRecipe();
        var recipe = baseRecipe with { Iterations = iterations ?? baseRecipe.Iterations, EvalBatches = evalBatches ?? baseRecipe.EvalBatches };
        string text = MobyDick.Read(DataFiles.MobyDick);
        var tokenizer = CharTokenizer.FromText(text);
        Console.WriteLine($"GPT on Moby-Dick, side by side: {cpu}, {Environment.ProcessorCount} cores, {threads} threads on both sides");
        Console.WriteLine($"recipe: {string.Join(", ", recipe.Fields().Select(f => $"{f.Name} {f.Value}"))}; seeds {recipe.Seed}..{recipe.Seed + (ulong)seeds - 1}");

        var runs = new List<GptRun>();
        for (int s = 0; s < seeds; s++)
        {
            var seeded = recipe with { Seed = recipe.Seed + (ulong)s };
            var trainer = LmTrainer.FromText(text, tokenizer, seeded);
            // Copied before the first step: both libraries start from these weights.
            var torchModel = new TorchGpt(trainer.Model);
            runs.Add(Descent(trainer, tokenizer, sampleChars));
            runs.Add(Torch(torchModel, trainer.TrainSplit, trainer.ValidationSplit, seeded));
            foreach (var r in runs.TakeLast(2)) Print(r);
        }
        Console.WriteLine();
        Console.WriteLine($"mean over {seeds} seed(s):");
        var means = runs.GroupBy(r => r.Library).Select(g => Mean(g.Key, g.ToList())).ToList();
        foreach (var m in means) Print(m);
        var (d, t) = (means.Single(m => m.Library == "Descent"), means.Single(m => m.Library == "TorchSharp"));
        Console.WriteLine($"validation loss Descent − TorchSharp: {d.ValidLoss - t.ValidLoss:+0.0000;-0.0000} (target within 0.03); " +
                          $"training time Descent / TorchSharp: {d.TrainSeconds / t.TrainSeconds:F2}x (target ≤ 0.5); " +
                          $"sampling {d.SampleCharsPerSecond:F0} chars/s with the cache (target ≥ 5,000)");
        if (save) Save(cpu, threads, recipe, runs, means);
        return 0;
    }

    private static GptRun Descent(LmTrainer trainer, Tokenizer tokenizer, int sampleChars)
    {
        trainer.Run(p =>
        {
            if (p.Evaluation is { } e) Console.WriteLine($"    Descent    {e.Step,5}: train {e.TrainLoss:F4}  val {e.ValidLoss:F4}  ({p.TrainSeconds:F1} s)");
        });
        var last = trainer.Evaluations[^1];
        int[] prompt = tokenizer.Encode(Prompt);
        double Sample(bool cache)
        {
            var watch = Stopwatch.StartNew();
            trainer.Model.Generate(prompt, sampleChars, temperature: 0.8f, topK: 40, generator: new Generator(0), useCache: cache);
            return sampleChars / watch.Elapsed.TotalSeconds;
        }
        return new GptRun("Descent", trainer.Recipe.Seed, last.ValidLoss, last.TrainLoss, trainer.TrainSeconds, trainer.TokensPerSecond,
            Sample(cache: true), Sample(cache: false), [.. trainer.Evaluations.Select(e => (e.Step, e.TrainLoss, e.ValidLoss))]);
    }

    // LmTrainer's loop step for step: lr of this step, a batch from Generator(seed + 1), forward, loss, backward,
    // clipping of the total norm, AdamW; the matrices and the vectors in two optimizers, as AdamW's two groups.
    private static GptRun Torch(TorchGpt model, TokenWindows train, TokenWindows valid, LmRecipe r)
    {
        var decay = torch.optim.AdamW(model.Matrices, r.Lr, r.Beta1, r.Beta2, 1e-8, r.WeightDecay);
        var rest = torch.optim.AdamW(model.Vectors, r.Lr, r.Beta1, r.Beta2, 1e-8, 0);
        var all = model.Parameters.Values.ToList();
        var batches = new Generator(r.Seed + 1);
        var evaluations = new List<(long, double, double)> { Evaluate(model, train, valid, r, 0) };
        double seconds = 0;
        var watch = new Stopwatch();
        for (int step = 0; step < r.Iterations; step++)
        {
            watch.Restart();
            using (torch.NewDisposeScope())
            {
                double lr = r.LearningRate(step);
                foreach (var g in decay.ParamGroups.Concat(rest.ParamGroups)) g.LearningRate = lr;
                var (x, y) = train.Sample(r.Batch, r.Block, batches);
                var loss = model.Loss(TorchGpt.Ids(x), TorchGpt.Ids(y));
                decay.zero_grad();
                rest.zero_grad();
                loss.backward();
                if (r.GradClip > 0) torch.nn.utils.clip_grad_norm_(all, r.GradClip);
                decay.step();
                rest.step();
            }
            seconds += watch.Elapsed.TotalSeconds;
            if ((step + 1) % r.EvalInterval == 0 || step + 1 == r.Iterations)
            {
                evaluations.Add(Evaluate(model, train, valid, r, step + 1));
                Console.WriteLine($"    TorchSharp {step + 1,5}: train {evaluations[^1].Item2:F4}  val {evaluations[^1].Item3:F4}  ({seconds:F1} s)");
            }
        }
        var last = evaluations[^1];
        return new GptRun("TorchSharp", r.Seed, last.Item3, last.Item2, seconds, r.Iterations * (double)r.Batch * r.Block / seconds,
            double.NaN, double.NaN, evaluations);
    }

    // LmTrainer.MeanLoss's batches: a fresh Generator(seed + 2) per split and evaluation.
    private static (long, double, double) Evaluate(TorchGpt model, TokenWindows train, TokenWindows valid, LmRecipe r, long step)
    {
        double Mean(TokenWindows split)
        {
            using var _ = torch.no_grad();
            var g = new Generator(r.Seed + 2);
            double total = 0;
            for (int i = 0; i < r.EvalBatches; i++)
            {
                using var scope = torch.NewDisposeScope();
                var (x, y) = split.Sample(r.Batch, r.Block, g);
                total += model.Loss(TorchGpt.Ids(x), TorchGpt.Ids(y)).item<float>();
            }
            return total / r.EvalBatches;
        }
        return (step, Mean(train), Mean(valid));
    }

    private static GptRun Mean(string library, IReadOnlyList<GptRun> runs) =>
        new(library, runs[0].Seed, runs.Average(r => r.ValidLoss), runs.Average(r => r.TrainLoss), runs.Average(r => r.TrainSeconds),
            runs.Average(r => r.TokensPerSecond), runs.Average(r => r.SampleCharsPerSecond), runs.Average(r => r.SampleCharsPerSecondNoCache), []);

    private static void Print(GptRun r) =>
        Console.WriteLine($"  {r.Library,-10} seed {r.Seed,5}: val {r.ValidLoss:F4}  train {r.TrainLoss:F4}  {r.TrainSeconds,8:F1} s  " +
                          $"{r.TokensPerSecond,8:F0} tok/s" + (double.IsNaN(r.SampleCharsPerSecond) ? "" :
                          $"  sampling {r.SampleCharsPerSecond:F0} chars/s (cache), {r.SampleCharsPerSecondNoCache:F0} (no cache)"));

    private static void Save(string cpu, int threads, LmRecipe recipe, List<GptRun> runs, List<GptRun> means)
    {
        string root = ResultsFolder.Today("gpt", cpu);
        Directory.CreateDirectory(root);
        object Json(GptRun r) => new
        {
            library = r.Library, seed = r.Seed, val_loss = r.ValidLoss, train_loss = r.TrainLoss, train_seconds = r.TrainSeconds,
            tokens_per_second = r.TokensPerSecond,
            sample_chars_per_second = double.IsNaN(r.SampleCharsPerSecond) ? (double?)null : r.SampleCharsPerSecond,
            sample_chars_per_second_no_cache = double.IsNaN(r.SampleCharsPerSecondNoCache) ? (double?)null : r.SampleCharsPerSecondNoCache,
            evaluations = r.Evaluations.Select(e => new { step = e.Step, train_loss = e.Train, val_loss = e.Valid }),
        };
        var report = new
        {
            cpu, cores = Environment.ProcessorCount, threads, recipe = recipe.Fields().ToDictionary(f => f.Name, f => f.Value),
            runs = runs.Select(Json), mean = means.Select(Json),
        };
        string path = Path.Combine(root, $"run-{DateTime.UtcNow:HHmmss}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }
}
