using System.Formats.Tar;
using System.Text;

namespace Descent.Tests.Fuzz;

/// <summary>One file of a test package: its path, content and tar entry type.</summary>
internal sealed record TarFile(string Name, byte[] Content, TarEntryType Type = TarEntryType.RegularFile);

/// <summary>A seed package: files and the tar dialect they are written in.</summary>
internal sealed record TarSeed(string Label, TarEntryFormat Format, TarFile[] Files)
{
    private byte[]? _tar;
    private int[]? _headers;

    public byte[] Tar => _tar ??= TarFuzz.Write(Format, Files);

    /// <summary>Offsets of the 512-byte header blocks (including pax and GNU long-name headers).</summary>
    public int[] Headers => _headers ??= TarFuzz.HeaderOffsets(Tar);
}

/// <summary>
/// Builds npm-style packages (gzip-compressed tars) with System.Formats.Tar and mutates them at three levels:
/// the compressed bytes, the tar bytes (header fields rewritten with a recomputed checksum so the tar reader
/// believes them, crafted pax/GNU headers with lying sizes, pax records) and the files inside.
/// </summary>
internal static class TarFuzz
{
    public static byte[] Write(TarEntryFormat format, IEnumerable<TarFile> files)
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, format, leaveOpen: true))
        {
            foreach (var f in files)
            {
                var type = f.Type == TarEntryType.RegularFile && format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : f.Type;
                TarEntry entry = format switch
                {
                    TarEntryFormat.Pax => new PaxTarEntry(type, f.Name),
                    TarEntryFormat.Gnu => new GnuTarEntry(type, f.Name),
                    TarEntryFormat.Ustar => new UstarTarEntry(type, f.Name),
                    _ => new V7TarEntry(type, f.Name),
                };
                if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink) entry.LinkName = "package/package.json";
                else if (type is TarEntryType.RegularFile or TarEntryType.V7RegularFile) entry.DataStream = new MemoryStream(f.Content);
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public static int[] HeaderOffsets(byte[] tar)
    {
        var offsets = new List<int>();
        int pos = 0;
        while (pos + 512 <= tar.Length && tar.AsSpan(pos, 512).IndexOfAnyExcept((byte)0) >= 0)
        {
            offsets.Add(pos);
            long size = Convert.ToInt64(Encoding.ASCII.GetString(tar, pos + 124, 11), 8);
            pos += 512 + (int)((size + 511) / 512 * 512);
        }
        return [.. offsets];
    }

    /// <summary>Writes the size field as a tar writer would: 11 octal digits, or base-256 when too large or negative.</summary>
    public static void WriteSize(byte[] tar, int header, long size)
    {
        var field = tar.AsSpan(header + 124, 12);
        if (size >= 0 && size < (1L << 33))
        {
            Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0')).CopyTo(field);
            field[11] = 0;
            return;
        }
        field.Fill(size < 0 ? (byte)0xFF : (byte)0);
        for (int i = 0; i < 8; i++) field[11 - i] = (byte)(size >> (8 * i));
        field[0] = size < 0 ? (byte)0xFF : (byte)0x80;
    }

    public static void FixChecksum(byte[] tar, int header)
    {
        var block = tar.AsSpan(header, 512);
        block.Slice(148, 8).Fill((byte)' ');
        int sum = 0;
        foreach (byte b in block) sum += b;
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0')).CopyTo(block[148..]);
        block[154] = 0;
        block[155] = (byte)' ';
    }

    /// <summary>A fresh header block of the given type and claimed size, with a valid checksum.</summary>
    public static byte[] Header(string name, char type, long size)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name.Length > 99 ? name[..99] : name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 116);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(h, 136);
        h[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(h, 257);
        WriteSize(h, 0, size);
        FixChecksum(h, 0);
        return h;
    }

    private static readonly long[] Sizes =
    [
        0, 1, 100, 511, 512, 513, 4096, 1L << 20, 100_000_000, int.MaxValue, 1L << 31, (1L << 33) - 1, 1L << 33,
        1L << 40, long.MaxValue, -1, -512, long.MinValue,
    ];

    private const string Types = "01234567xgLKSVMDN\0A";

    private static byte[] Pad(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    /// <summary>A mutation at the tar level (the caller compresses the result).</summary>
    public static (byte[] Tar, string How) MutateTar(Random r, TarSeed seed)
    {
        var tar = (byte[])seed.Tar.Clone();
        var headers = seed.Headers;
        int h = headers[r.Next(headers.Length)];
        switch (r.Next(9))
        {
            case 0:
            {
                long size = Sizes[r.Next(Sizes.Length)];
                WriteSize(tar, h, size);
                FixChecksum(tar, h);
                return (tar, $"size@{h}={size}");
            }
            case 1:
            {
                char type = Types[r.Next(Types.Length)];
                tar[h + 156] = (byte)type;
                FixChecksum(tar, h);
                return (tar, $"type@{h}='{Mutate.Escape(type.ToString())}'");
            }
            case 2:
            {
                // Type and size together: a metadata entry (pax, GNU long name) claiming a huge body.
                char type = "xgLK"[r.Next(4)];
                long size = Sizes[r.Next(Sizes.Length)];
                tar[h + 156] = (byte)type;
                WriteSize(tar, h, size);
                FixChecksum(tar, h);
                return (tar, $"type '{type}' size {size}@{h}");
            }
            case 3:
            {
                // A crafted header inserted before an existing one.
                char type = Types[r.Next(Types.Length)];
                long size = Sizes[r.Next(Sizes.Length)];
                var body = new byte[r.Next(3) == 0 ? 0 : r.Next(1, 1100)];
                if (type is 'x' or 'g') body = Encoding.UTF8.GetBytes(PaxRecord(r));
                else r.NextBytes(body);
                byte[] block = [.. Header("package/crafted", type, size), .. Pad(body)];
                return ([.. tar[..h], .. block, .. tar[h..]], $"insert '{Mutate.Escape(type.ToString())}' size {size} body {body.Length}@{h}");
            }
            case 4:
            {
                // A header field filled with garbage (name, mode, uid, mtime, magic, version, link name, prefix).
                (int At, int Len, string Field)[] fields = [(0, 100, "name"), (100, 8, "mode"), (108, 8, "uid"), (136, 12, "mtime"),
                    (257, 6, "magic"), (263, 2, "version"), (157, 100, "linkname"), (345, 155, "prefix"), (329, 8, "devmajor")];
                var (at, len, field) = fields[r.Next(fields.Length)];
                int kind = r.Next(4);
                for (int i = 0; i < len; i++)
                    tar[h + at + i] = kind switch { 0 => (byte)r.Next(256), 1 => (byte)'7', 2 => (byte)"\n/.\0a"[r.Next(5)], _ => 0 };
                FixChecksum(tar, h);
                return (tar, $"{field}@{h} kind {kind}");
            }
            case 5 when headers.Any(x => seed.Tar[x + 156] == (byte)'x'):
            {
                // Replace a pax header's records (sizes, paths and record lengths that lie).
                int p = headers.Where(x => seed.Tar[x + 156] == (byte)'x').ElementAt(0);
                long oldSize = Convert.ToInt64(Encoding.ASCII.GetString(tar, p + 124, 11), 8);
                var records = Encoding.UTF8.GetBytes(PaxRecord(r));
                byte[] header = tar[p..(p + 512)];
                WriteSize(header, 0, r.Next(4) == 0 ? Sizes[r.Next(Sizes.Length)] : records.Length);
                FixChecksum(header, 0);
                int after = p + 512 + (int)((oldSize + 511) / 512 * 512);
                return ([.. tar[..p], .. header, .. Pad(records), .. tar[after..]], $"pax records '{Mutate.Escape(Encoding.UTF8.GetString(records)[..Math.Min(40, records.Length)])}'");
            }
            case 6:
            {
                int cut = r.Next(3) switch { 0 => h, 1 => h + 512, _ => tar.Length - 1024 };
                return (tar[..Math.Clamp(cut, 0, tar.Length)], $"cut at block {cut}");
            }
            case 7:
            {
                var garbage = new byte[512 * r.Next(1, 4)];
                r.NextBytes(garbage);
                int end = headers.Length == 0 ? 0 : tar.Length - 1024;
                return ([.. tar[..end], .. garbage, .. tar[end..]], "garbage blocks at the end");
            }
            default:
            {
                var (bytes, how) = Mutate.Bytes(r, tar);
                return (bytes, "tar " + how);
            }
        }
    }

    private static string PaxRecord(Random r)
    {
        string[] records =
        [
            "size=999999999999", "size=-1", "size=abc", "size=9223372036854775807", "size=99999999999999999999999",
            "path=package/src/digits/3.json", "path=", "path=a\nb", "linkpath=x", "mtime=abc", "mtime=1e99", "uid=-1", "gid=99999999999999999999",
            "comment=" + new string('c', 2000), "=novalue", "novalue",
        ];
        string body = records[r.Next(records.Length)];
        string record = $"{body.Length + 3 + (body.Length + 3 >= 10 ? 1 : 0)} {body}\n";
        return r.Next(4) switch
        {
            0 => $"{r.NextInt64(0, long.MaxValue)} {body}\n",
            1 => record[..r.Next(record.Length)],
            _ => record,
        };
    }

    /// <summary>One case: the compressed bytes, the tar or one file's content mutated, chosen at random.</summary>
    public static FuzzCase Generate(Random r, TarSeed[] seeds, Func<Random, TarFile, (byte[], string)?> content)
    {
        var seed = seeds[r.Next(seeds.Length)];
        int level = r.Next(20);
        if (level < 5)
        {
            var (bytes, how) = Mutate.Bytes(r, FuzzRunner.Gzip(seed.Tar));
            return new FuzzCase(bytes, $"{seed.Label} gzip {how}", FuzzRunner.GunzippedLength(bytes));
        }
        if (level < 12)
        {
            var (tar, how) = MutateTar(r, seed);
            return new FuzzCase(FuzzRunner.Gzip(tar), $"{seed.Label} {how}", tar.Length);
        }
        var files = seed.Files.ToArray();
        int i = r.Next(files.Length);
        for (int tries = 0; tries < files.Length && content(r, files[i]) is null; tries++) i = (i + 1) % files.Length;
        var changed = content(r, files[i]) ?? Mutate.Bytes(r, files[i].Content);
        files[i] = files[i] with { Content = changed.Item1 };
        var rewritten = Write(seed.Format, files);
        return new FuzzCase(FuzzRunner.Gzip(rewritten), $"{seed.Label} {files[i].Name}: {changed.Item2}", rewritten.Length);
    }
}
