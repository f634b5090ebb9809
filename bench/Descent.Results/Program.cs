using System.Globalization;
using Descent;
using Descent.Data;
using Descent.Results;
using Descent.Training;

// Reproduces the README's results: dotnet run -c Release --project bench/Descent.Results -- mlp|cnn|cnn-idx|iris [--epochs N] [--seed S] [--threads T]
// and the GPT side by side with TorchSharp: ... -- gpt [--iterations N] [--seeds K] [--threads T] [--save]
return Cli.Run(args);

internal static class Cli
{
    private const string Usage = "usage: Descent.Results mlp|cnn|cnn-idx|iris|profile [--epochs N] [--seed S] [--threads T], or gpt [--iterations N] [--seeds K] [--threads T] [--save]";

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "gpt") return GptSideBySide.Run(args[1..]);
        int? epochs = null;
        ulong seed = 0;
        var overrides = new List<Func<Recipe, Recipe>>();
        for (int i = 1; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--epochs" when int.TryParse(value, CultureInfo.InvariantCulture, out int e) && e > 0: epochs = e; i++; break;
                case "--seed" when ulong.TryParse(value, CultureInfo.InvariantCulture, out ulong s): seed = s; i++; break;
                case "--lr" when double.TryParse(value, CultureInfo.InvariantCulture, out double lr) && lr > 0: overrides.Add(r => r with { MaxLr = lr }); i++; break;
                case "--wd" when double.TryParse(value, CultureInfo.InvariantCulture, out double wd) && wd >= 0: overrides.Add(r => r with { WeightDecay = wd }); i++; break;
                case "--dropout" when float.TryParse(value, CultureInfo.InvariantCulture, out float p) && p is >= 0 and < 1: overrides.Add(r => r with { Dropout = p }); i++; break;
                case "--shift" when int.TryParse(value, CultureInfo.InvariantCulture, out int sh) && sh >= 0: overrides.Add(r => r with { MaxShift = sh }); i++; break;
                case "--batch" when int.TryParse(value, CultureInfo.InvariantCulture, out int b) && b > 0: overrides.Add(r => r with { BatchSize = b }); i++; break;
                case "--threads" when int.TryParse(value, CultureInfo.InvariantCulture, out int t) && t > 0: Threads.Count = t; i++; break;
                default:
                    Console.Error.WriteLine($"Descent.Results: bad option '{args[i]}'. {Usage}");
                    return 2;
            }
        }
        Recipe Apply(Recipe r) => overrides.Aggregate(r, (acc, f) => f(acc));
        Console.WriteLine($"threads {Threads.Count}, processors {Environment.ProcessorCount}, seed {seed}");
        switch (args[0])
        {
            case "mlp": Digits(Apply(Recipes.Mlp), epochs, seed, target: 0.97); return 0;
            case "cnn": Digits(Apply(Recipes.Cnn), epochs, seed, target: 0.985); return 0;
            case "cnn-idx": CnnIdx(Apply(Recipes.CnnIdx), epochs, seed); return 0;
            case "iris": IrisRuns(Apply(Recipes.Iris), epochs, seed); return 0;
            case "profile": Profile.Cnn(Apply(Recipes.Cnn), seed); return 0;
            default:
                Console.Error.WriteLine($"Descent.Results: unknown experiment '{args[0]}'. {Usage}");
                return 2;
        }
    }

    private static void Digits(Recipe recipe, int? epochs, ulong seed, double target)
    {
        var (train, valid) = Recipes.DigitSplit(DataFiles.MnistDigits, seed);
        Describe(recipe with { Epochs = epochs ?? recipe.Epochs }, train.Count, valid.Count);
        Report(recipe.Run(train, valid, seed, epochs, new PlainProgress(Console.Out)), target);
    }

    private static void CnnIdx(Recipe recipe, int? epochs, ulong seed)
    {
        var train = Mnist.LoadIdx(DataFiles.MnistIdx, train: true, asImages: true);
        var test = Mnist.LoadIdx(DataFiles.MnistIdx, train: false, asImages: true);
        Describe(recipe with { Epochs = epochs ?? recipe.Epochs }, train.Count, test.Count);
        Report(recipe.Run(train, test, seed, epochs, new PlainProgress(Console.Out)), target: 0.985);
    }

    private static void IrisRuns(Recipe recipe, int? epochs, ulong seed)
    {
        var iris = Iris.Load(DataFiles.Iris);
        var (train, valid) = Recipes.IrisSplit(iris, 0.2, seed);
        Describe(recipe with { Epochs = epochs ?? recipe.Epochs }, train.Count, valid.Count);
        Report(recipe.Run(train, valid, seed, epochs), target: 0.96);
        Summarize("80/20 split, seeds 0-9", Enumerable.Range(0, 10).Select(s =>
        {
            var (tr, va) = Recipes.IrisSplit(iris, 0.2, (ulong)s);
            return recipe.Run(tr, va, (ulong)s, epochs);
        }).ToList());
        Summarize("5-fold cross-validation, shuffle seeds 0-4", Enumerable.Range(0, 5).SelectMany(shuffle => Enumerable.Range(0, 5).Select(fold =>
        {
            var (tr, va) = Recipes.IrisFold(iris, 5, fold, (ulong)shuffle);
            return recipe.Run(tr, va, seed, epochs);
        })).ToList());
    }

    private static void Describe(Recipe r, int train, int valid) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Name}: {train} train / {valid} valid; AdamW + OneCycle maxLr {r.MaxLr}, weight decay {r.WeightDecay}, batch {r.BatchSize}, dropout {r.Dropout}, shift ±{r.MaxShift} px, {r.Epochs} epochs"));

    private static void Report(RunResult r, double target)
    {
        var c = CultureInfo.InvariantCulture;
        var accuracy = r.History.Series("accuracy");
        int reached = Array.FindIndex(accuracy, a => a >= target);
        string when = reached < 0 ? "not reached"
            : string.Create(c, $"reached at epoch {reached + 1} after {r.History.Take(reached + 1).Sum(e => e.Seconds):F1} s wall");
        Console.WriteLine(string.Create(c,
            $"{r.Name}: valid accuracy {accuracy[^1] * 100:F2} % (best {r.BestAccuracy * 100:F2} %) after {r.Epochs} epochs; wall {r.WallSeconds:F1} s, cpu {r.CpuSeconds:F1} s; target {target * 100:F1} % {when}"));
    }

    private static void Summarize(string what, List<RunResult> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var acc = runs.Select(r => r.Accuracy).ToArray();
        double mean = acc.Average();
        double sd = Math.Sqrt(acc.Sum(a => (a - mean) * (a - mean)) / acc.Length);
        Console.WriteLine(string.Create(c,
            $"iris {what}: mean {mean * 100:F2} % (sd {sd * 100:F2}, min {acc.Min() * 100:F2}, max {acc.Max() * 100:F2}) [{string.Join(", ", acc.Select(a => (a * 100).ToString("F1", c)))}]; wall {runs.Sum(r => r.WallSeconds):F1} s, cpu {runs.Sum(r => r.CpuSeconds):F1} s"));
    }
}
