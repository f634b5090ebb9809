using System.Globalization;

namespace Descent.Results;

/// <summary>The README's results table, in markdown, from saved <see cref="RecipeResult"/> files, each row citing its file.</summary>
internal static class ResultsTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The table of the results in <paramref name="files"/> (paths as they should be cited, relative to the README).</summary>
    public static string Markdown(IEnumerable<(string Path, RecipeResult Result)> files)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        w.WriteLine("| data | recipe | model and settings | test accuracy, mean ± sd | validation | target | training s (wall / CPU) | seeds | file |");
        w.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (path, r) in files)
        {
            string valid = r.Valid is { } v ? Percent(v) : "—";
            string target = string.Create(C, $"≥ {r.Target * 100:0.0#} %{(r.BudgetSeconds is double b ? $" in ≤ {b:0} s" : "")}");
            string met = r.Test.Mean >= r.Target && (r.BudgetSeconds is not double budget || r.WallSeconds.Mean <= budget) ? "met" : "missed";
            string settings = r.Describe[(r.Describe.IndexOf('—') + 1)..].Trim();
            w.WriteLine(string.Create(C,
                $"| {r.Data} | {r.Name} | {settings} | {Percent(r.Test)} | {valid} | {target} ({met}) | {r.WallSeconds.Mean:0.0} / {r.CpuSeconds.Mean:0.0} | {r.Seeds.Count} | [{System.IO.Path.GetFileName(path)}]({path}) |"));
        }
        // One line per machine, with the range of load averages its runs saw (each run records its own).
        foreach (var group in files.Select(f => f.Result.Machine).GroupBy(m => (m.Cpu, m.Cores, m.Threads, m.Os, m.Runtime)))
        {
            var (cpu, cores, threads, os, runtime) = group.Key;
            double low = group.Min(m => Math.Min(m.LoadAverageBefore, m.LoadAverageAfter));
            double high = group.Max(m => Math.Max(m.LoadAverageBefore, m.LoadAverageAfter));
            w.WriteLine(string.Create(C, $"\nMachine: {cpu}, {cores} cores, {threads} threads, {os}, {runtime}; load average {low:0.00}-{high:0.00} over its runs."));
        }
        return w.ToString();
    }

    private static string Percent(Stat s) => string.Create(C, $"{s.Mean * 100:0.00} ± {s.Std * 100:0.00} %");

    /// <summary>The saved results under <paramref name="folder"/> (a run's folder), in the recipes' order, cited relative to <paramref name="citeFrom"/>.</summary>
    public static List<(string Path, RecipeResult Result)> Load(string folder, string citeFrom)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"table: folder '{folder}' not found");
        var order = Descent.Training.Recipes.All.Select(RecipeResult.FileName).ToList();
        var files = Directory.GetFiles(folder, "*.json").OrderBy(f => order.IndexOf(System.IO.Path.GetFileName(f)) is int i && i >= 0 ? i : int.MaxValue)
            .ThenBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"table: no result files (*.json) in '{folder}'");
        return [.. files.Select(f => (System.IO.Path.GetRelativePath(citeFrom, f).Replace('\\', '/'), RecipeResult.Read(f)))];
    }
}
