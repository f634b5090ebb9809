using Descent.Results;
using Descent.Training;

namespace Descent.Tests.Results;

/// <summary>The results program's saved JSON round-trips, and the README table is printed from it, citing each file.</summary>
public sealed class ResultsTableTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("descent-results-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Machine Xeon = new("Test CPU (family 6 model 1)", 2, 2, "Linux", ".NET 10", 0.5, 1.5);

    private static ProtocolRun Run(Recipe recipe, ulong seed, double test, double? valid, double wall)
    {
        var history = new History();
        var metrics = valid == null ? new Dictionary<string, double>() : new() { ["accuracy"] = valid.Value };
        history.Add(new EpochRecord(1, 0.5, valid == null ? null : 0.4, metrics, new Dictionary<string, double>(), 1e-3, wall));
        return new ProtocolRun(recipe, seed, [new PartRun(valid, test, history, wall, 2 * wall)]);
    }

    private string Save(RecipeResult result, Recipe recipe)
    {
        string path = Path.Combine(_folder, RecipeResult.FileName(recipe));
        File.WriteAllText(path, result.ToJson());
        return path;
    }

    [Fact]
    public void Saved_results_hold_every_seed_their_mean_and_deviation_and_read_back()
    {
        var recipe = Recipes.MnistCnn;
        var result = RecipeResult.From(recipe, [Run(recipe, 0, 0.992, 0.990, 50), Run(recipe, 1, 0.994, 0.992, 54)], Xeon, new DateTime(2026, 12, 7));
        var back = RecipeResult.Read(Save(result, recipe));
        Assert.Equal(2, back.Seeds.Count);
        Assert.Equal(0.993, back.Test.Mean, 12);
        Assert.Equal(0.001, back.Test.Std, 12);
        Assert.Equal(0.991, back.Valid!.Mean, 12);
        Assert.Equal(52, back.WallSeconds.Mean, 12);
        Assert.Equal(104, back.CpuSeconds.Mean, 12);
        Assert.Equal([0.992], back.Seeds[1].ValidCurve);
        Assert.Equal("2026-12-07", back.Date);
        Assert.Equal(recipe.Describe(), back.Describe);
        Assert.Equal("cnn-bn:16,32,128", back.Settings["model"].ToString());
        Assert.Contains("evaluated once", back.Protocol);
        Assert.Equal(Xeon, back.Machine);
    }

    [Fact]
    public void The_table_has_a_row_per_file_in_the_recipes_order_with_its_numbers_target_and_citation()
    {
        Save(RecipeResult.From(Recipes.IrisMlp, [Run(Recipes.IrisMlp, 0, 0.96, null, 1), Run(Recipes.IrisMlp, 1, 0.98, null, 1)], Xeon, DateTime.UtcNow), Recipes.IrisMlp);
        Save(RecipeResult.From(Recipes.MnistCnn, [Run(Recipes.MnistCnn, 0, 0.9935, 0.99, 58.2)], Xeon, DateTime.UtcNow), Recipes.MnistCnn);
        Save(RecipeResult.From(Recipes.FashionCnn, [Run(Recipes.FashionCnn, 0, 0.91, 0.905, 75)], Xeon, DateTime.UtcNow), Recipes.FashionCnn);
        var lines = ResultsTable.Markdown(ResultsTable.Load(_folder, Path.GetDirectoryName(_folder)!)).Split('\n');
        string name = Path.GetFileName(_folder);
        Assert.StartsWith("| data | recipe |", lines[0]);
        Assert.Equal($"| mnist-idx | cnn | {Recipes.MnistCnn.Describe()[(Recipes.MnistCnn.Describe().IndexOf('—') + 2)..]} | 99.35 ± 0.00 % | 99.00 ± 0.00 % | ≥ 99.3 % in ≤ 60 s (met) | 58.2 / 116.4 | 1 | " +
                     $"[mnist-idx-cnn.json]({name}/mnist-idx-cnn.json) |", lines[2]);
        // Over its budget: 75 s of training for a 60 s recipe misses though the accuracy is reached.
        Assert.Contains("| 91.00 ± 0.00 % | 90.50 ± 0.00 % | ≥ 90.0 % in ≤ 60 s (missed) |", lines[3]);
        Assert.StartsWith("| iris | mlp |", lines[4]);
        Assert.Contains("| 97.00 ± 1.00 % | — | ≥ 96.0 % (met) |", lines[4]);
        Assert.Contains("Machine: Test CPU (family 6 model 1), 2 cores, 2 threads, Linux, .NET 10; load average 0.50-1.50 over its runs.", lines);
    }

    [Fact]
    public void A_folder_without_results_or_with_a_broken_file_is_refused_naming_it()
    {
        Assert.Contains("no result files", Assert.Throws<FileNotFoundException>(() => ResultsTable.Load(_folder, _folder)).Message);
        File.WriteAllText(Path.Combine(_folder, "mnist-cnn.json"), "{ not json");
        var e = Assert.Throws<InvalidDataException>(() => ResultsTable.Load(_folder, _folder));
        Assert.Contains("mnist-cnn.json: not a recipe result", e.Message);
    }
}
