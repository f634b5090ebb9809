using System.Globalization;
using Descent;
using Descent.Bench;
using Descent.Nn;
using Descent.Results;
using Descent.Training;

// Reproduces the README's results under the protocol (train / validation / test, test evaluated once):
//   dotnet run -c Release --project bench/Descent.Results -- all --seeds 5 --save
//   dotnet run -c Release --project bench/Descent.Results -- table [FOLDER]
// and the GPT side by side with TorchSharp: ... -- gpt [--iterations N] [--seeds K] [--threads T] [--save]
return Cli.Run(args);

internal static class Cli
{
    private static readonly string Usage =
        "usage: Descent.Results all|DATA/RECIPE[,DATA/RECIPE...] [--seeds K] [--seed S] [--save] [--threads T] [--epochs N --lr X --wd X --dropout P --shift N --batch N --smoothing X --model SPEC],\n" +
        "       Descent.Results table [FOLDER], Descent.Results profile [DATA/RECIPE], or gpt [--iterations N] [--seeds K] [--threads T] [--save]\n" +
        $"recipes: {string.Join(", ", Recipes.All.Select(r => $"{r.Data}/{r.Name}"))}";

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "gpt" => GptSideBySide.Run(args[1..]),
                "table" => Table(args.Length > 1 ? args[1] : null),
                "profile" => Profile.Cnn(Select(args.Length > 1 ? args[1] : "mnist/cnn")[0], seed: 0),
                _ => Train(Select(args[0]), args[1..]),
            };
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"Descent.Results: {e.Message}");
            return 2;
        }
    }

    private static List<Recipe> Select(string names) => names == "all" ? [.. Recipes.All] : [.. names.Split(',').Select(n =>
    {
        var parts = n.Split('/');
        return parts.Length == 2 && Recipes.Find(parts[0], parts[1]) is { } r ? r
            : throw new ArgumentException($"unknown recipe '{n}'.\n{Usage}");
    })];

    private static int Train(List<Recipe> recipes, string[] args)
    {
        int seeds = 1;
        ulong first = 0;
        bool save = false;
        var overrides = new List<Func<Recipe, Recipe>>();
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            var c = CultureInfo.InvariantCulture;
            switch (args[i])
            {
                case "--seeds" when int.TryParse(value, c, out int k) && k > 0: seeds = k; i++; break;
                case "--seed" when ulong.TryParse(value, c, out ulong s): first = s; i++; break;
                case "--save": save = true; break;
                case "--threads" when int.TryParse(value, c, out int t) && t > 0: Threads.Count = t; i++; break;
                case "--epochs" when int.TryParse(value, c, out int e) && e > 0: overrides.Add(r => r with { Epochs = e }); i++; break;
                case "--lr" when float.TryParse(value, c, out float lr) && lr > 0: overrides.Add(r => r with { Lr = lr }); i++; break;
                case "--wd" when float.TryParse(value, c, out float wd) && wd >= 0: overrides.Add(r => r with { WeightDecay = wd }); i++; break;
                case "--dropout" when float.TryParse(value, c, out float p) && p is >= 0 and < 1: overrides.Add(r => r with { Dropout = p }); i++; break;
                case "--shift" when int.TryParse(value, c, out int sh) && sh >= 0: overrides.Add(r => r with { Shift = sh }); i++; break;
                case "--batch" when int.TryParse(value, c, out int b) && b > 0: overrides.Add(r => r with { BatchSize = b }); i++; break;
                case "--smoothing" when float.TryParse(value, c, out float ls) && ls is >= 0 and < 1: overrides.Add(r => r with { LabelSmoothing = ls }); i++; break;
                case "--model": var spec = ModelSpec.Parse(value); overrides.Add(r => r with { Model = spec }); i++; break;
                default: throw new ArgumentException($"bad option '{args[i]}'.\n{Usage}");
            }
        }
        string cpu = CpuInfo.Model();
        Console.WriteLine($"{cpu}; threads {Threads.Count}, processors {Environment.ProcessorCount}; seeds {first}..{first + (ulong)seeds - 1}");
        string? folder = save ? ResultsFolder.Today("results", cpu) : null;
        foreach (var original in recipes)
        {
            var recipe = overrides.Aggregate(original, (r, f) => f(r));
            Console.WriteLine($"recipe: {recipe.Describe()}");
            double loadBefore = LoadAverage();
            var runs = new List<ProtocolRun>();
            for (ulong seed = first; seed < first + (ulong)seeds; seed++)
            {
                var data = RecipeData.Load(recipe.Data, seed, DataDir(recipe.Data));
                var run = Protocol.Run(recipe, seed, data, new PlainProgress(Console.Out));
                runs.Add(run);
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(c,
                    $"  seed {seed}: test {run.TestAccuracy * 100:F2} %, valid {(run.ValidAccuracy is double v ? $"{v * 100:F2} %" : "—")}; training {run.WallSeconds:F1} s wall, {run.CpuSeconds:F1} s CPU ({ImagesPerSecond(data, recipe, run):F0} examples/s)"));
            }
            var machine = new Machine(cpu, Environment.ProcessorCount, Threads.Count, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, loadBefore, LoadAverage());
            var result = RecipeResult.From(recipe, runs, machine, DateTime.UtcNow);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{recipe.Title}: test {result.Test.Mean * 100:F2} ± {result.Test.Std * 100:F2} % over {runs.Count} seed(s), target {recipe.Target * 100:F1} %; training {result.WallSeconds.Mean:F1} s wall; load {loadBefore:F2} → {machine.LoadAverageAfter:F2}"));
            if (folder != null)
            {
                Directory.CreateDirectory(folder);
                string path = Path.Combine(folder, RecipeResult.FileName(recipe));
                File.WriteAllText(path, result.ToJson());
                Console.WriteLine($"wrote {path}");
            }
        }
        return 0;
    }

    // The tarballs where the results console has always found them (shared/data above the working folder); Fashion-MNIST where DataFolders looks.
    private static string? DataDir(string data) =>
        RecipeData.Tarball(data) is { } t && DataFiles.TryFind(t.File) is { } path ? Path.GetDirectoryName(path) : null;

    private static double ImagesPerSecond(RecipeData data, Recipe recipe, ProtocolRun run) =>
        data.Parts.Sum(p => (double)p.Train.Count) * recipe.Epochs / run.WallSeconds;

    private static int Table(string? folder)
    {
        string root = ResultsFolder.Repository();
        folder ??= Directory.GetDirectories(Path.Combine(root, "bench", "results"), "*-results-*").OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            ?? throw new DirectoryNotFoundException("table: no bench/results/*-results-* folder; run `all --seeds 5 --save` first");
        Console.Write(ResultsTable.Markdown(ResultsTable.Load(folder, root)));
        return 0;
    }

    private static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;
}
