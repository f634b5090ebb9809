namespace Descent.Bench;

/// <summary>Where a program of bench/ saves a run: bench/results/DATE-KIND-CPU/, found from the program's folder up.</summary>
internal static class ResultsFolder
{
    /// <summary>A new file <c>run-HHmmss.json</c> in today's folder for this kind of run and CPU (the folder is created).</summary>
    public static string NewFile(string kind, string cpu)
    {
        string folder = Today(kind, cpu);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"run-{DateTime.UtcNow:HHmmss}.json");
    }

    /// <summary>Today's folder for this kind of run and CPU, bench/results/DATE-KIND-CPU (not created).</summary>
    public static string Today(string kind, string cpu) =>
        Path.Combine(Repository(), "bench", "results", $"{DateTime.UtcNow:yyyy-MM-dd}-{kind}-{CpuInfo.Slug(cpu)}");

    /// <summary>A path as the README cites it: relative to the repository when inside it, else as given.</summary>
    public static string Relative(string path)
    {
        string relative = Path.GetRelativePath(Repository(), Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>The folder holding bench/: results go beside the other runs whatever the working folder.</summary>
    public static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "bench", "results"))) return dir.FullName;
        return Environment.CurrentDirectory;
    }
}
