using System.Text.Json;
using System.Text.Json.Serialization;
using Descent.Training;

namespace Descent.Results;

/// <summary>One seed of a recipe under the protocol, as saved.</summary>
internal sealed record SeedResult(ulong Seed, double TestAccuracy, double? ValidAccuracy, double WallSeconds, double CpuSeconds, int Epochs,
    IReadOnlyList<double> ValidCurve);

/// <summary>The machine a result ran on, and how busy it was.</summary>
internal sealed record Machine(string Cpu, int Cores, int Threads, string Os, string Runtime, double LoadAverageBefore, double LoadAverageAfter);

/// <summary>Mean and population standard deviation.</summary>
internal sealed record Stat(double Mean, double Std)
{
    public static Stat Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return new Stat(mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count));
    }
}

/// <summary>
/// What <c>Descent.Results --save</c> writes per recipe, and what <c>table</c> reads: the recipe's settings, every
/// seed's test and validation accuracy and training time, their means and deviations, and the machine.
/// </summary>
internal sealed record RecipeResult(string Date, string Data, string Name, string Describe, IReadOnlyDictionary<string, object> Settings,
    string Protocol, double Target, double? BudgetSeconds, IReadOnlyList<SeedResult> Seeds, Stat Test, Stat? Valid, Stat WallSeconds, Stat CpuSeconds,
    Machine Machine)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The file name a recipe's result is saved under.</summary>
    public static string FileName(Recipe recipe) => $"{recipe.Data}-{recipe.Name}.json";

    /// <summary>The result of <paramref name="runs"/> (one per seed) of <paramref name="recipe"/>.</summary>
    public static RecipeResult From(Recipe recipe, IReadOnlyList<ProtocolRun> runs, Machine machine, DateTime when)
    {
        var seeds = runs.Select(r => new SeedResult(r.Seed, r.TestAccuracy, r.ValidAccuracy, r.WallSeconds, r.CpuSeconds,
            r.Parts[0].History.Count, r.ValidAccuracy.HasValue ? [.. r.Parts[0].History.Series("accuracy")] : [])).ToList();
        var valid = seeds.All(s => s.ValidAccuracy.HasValue) ? Stat.Of([.. seeds.Select(s => s.ValidAccuracy!.Value)]) : null;
        return new RecipeResult(when.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), recipe.Data, recipe.Name,
            recipe.Describe(), SettingsOf(recipe), ProtocolOf(recipe.Data), recipe.Target, recipe.BudgetSeconds, seeds,
            Stat.Of([.. seeds.Select(s => s.TestAccuracy)]), valid, Stat.Of([.. seeds.Select(s => s.WallSeconds)]),
            Stat.Of([.. seeds.Select(s => s.CpuSeconds)]), machine);
    }

    private static Dictionary<string, object> SettingsOf(Recipe r) => new()
    {
        ["model"] = r.Model.ToString(), ["epochs"] = r.Epochs, ["batch_size"] = r.BatchSize, ["optimizer"] = r.Optimizer, ["lr"] = r.Lr,
        ["weight_decay"] = r.WeightDecay, ["schedule"] = r.Schedule, ["shift"] = r.Shift, ["dropout"] = r.Dropout, ["label_smoothing"] = r.LabelSmoothing,
    };

    /// <summary>The protocol of a data set in words, as saved beside its numbers.</summary>
    public static string ProtocolOf(string data) => data switch
    {
        "mnist" => "7,000 / 1,000 / 2,000 of the 10,000 digits by seed; test evaluated once after training",
        "mnist-idx" or "fashion-mnist" => "55,000 / 5,000 of the training file by seed; test = the official 10,000, evaluated once after training",
        "iris" => "5-fold cross-validation shuffled by seed; each fold tested once after training on the other four",
        _ => "",
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RecipeResult Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RecipeResult>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: holds null, not a recipe result");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a recipe result ({e.Message})", e);
        }
    }
}
