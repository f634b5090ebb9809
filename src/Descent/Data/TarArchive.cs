using System.Text;

namespace Descent.Data;

/// <summary>
/// A streaming reader of the tar dialects that npm and common tools write: POSIX ustar (with the name
/// prefix), pax extended headers (<c>path</c> and <c>size</c> records) and GNU long names, written for
/// untrusted input. No buffer is sized by a header: file data and metadata bodies are read as they arrive,
/// metadata bodies (pax records, long names) are capped at <see cref="MaxMetadataBytes"/> and file data at
/// the caller's cap. Byte offsets in errors count bytes of the uncompressed tar.
/// </summary>
/// <remarks>
/// System.Formats.Tar is not used for reading: it rents buffers sized by the length field of pax and GNU
/// long-name headers (a few kilobytes of input made it allocate over 500 MB) and throws exception types
/// outside its documentation (overflow, not-supported, invalid-operation) on malformed headers.
/// </remarks>
internal sealed class TarArchive(Stream tar, string file)
{
    /// <summary>The largest pax record set or GNU long name accepted (real ones are a few hundred bytes).</summary>
    public const int MaxMetadataBytes = 1 << 20;

    private const int Block = 512;
    private readonly byte[] _header = new byte[Block];
    private readonly byte[] _chunk = new byte[16384];

    /// <summary>The entry being read (for errors raised outside this class, such as corrupt gzip data).</summary>
    public string Current { get; private set; } = "(tar header)";

    /// <summary>Bytes of the uncompressed tar consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>Reads every regular file whose name satisfies <paramref name="wanted"/>; skips the rest.</summary>
    public Dictionary<string, byte[]> ReadFiles(Func<string, bool> wanted, long maxEntryBytes)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? paxPath = null, longName = null;
        long? paxSize = null;
        while (true)
        {
            long at = Position;
            if (!ReadHeader()) break;
            if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0) break;
            CheckChecksum(at);
            char type = (char)_header[156];
            string headerName = HeaderName();
            Current = paxPath ?? longName ?? headerName;
            long ownSize = ParseSize(at);
            switch (type)
            {
                case 'x' or 'g':
                {
                    var records = ReadData(ownSize, MaxMetadataBytes, "pax header");
                    var (path, size) = ParsePax(records, at);
                    if (type == 'x')
                    {
                        paxPath = path ?? paxPath;
                        paxSize = size ?? paxSize;
                    }
                    Skip(Padding(ownSize));
                    continue;
                }
                case 'L' or 'K':
                {
                    var body = ReadData(ownSize, MaxMetadataBytes, "GNU long-name header");
                    if (type == 'L') longName = Utf8(CString(body));
                    Skip(Padding(ownSize));
                    continue;
                }
                case 'S':
                    throw Fail(at, "GNU sparse files are not supported");
            }
            long dataSize = paxSize ?? ownSize;
            string name = Current;
            paxPath = longName = null;
            paxSize = null;
            if (type is '0' or '\0' && wanted(name))
                result[name] = ReadData(dataSize, maxEntryBytes, "entry");
            else
                Skip(dataSize);
            Skip(Padding(dataSize));
        }
        return result;
    }

    private static long Padding(long size) => (Block - size % Block) % Block;

    /// <summary>Reads the next header block; false at a clean end of the stream.</summary>
    private bool ReadHeader()
    {
        int filled = 0;
        while (filled < Block)
        {
            int n = tar.Read(_header, filled, Block - filled);
            if (n == 0)
            {
                if (filled == 0) return false;
                throw Fail(Position, $"the archive ends inside a header ({filled} of {Block} bytes)");
            }
            filled += n;
            Position += n;
        }
        return true;
    }

    private byte[] ReadData(long size, long cap, string what)
    {
        if (size > cap) throw Fail(Position, $"{what} claims {size} bytes, more than the {cap}-byte limit");
        using var buffer = new MemoryStream();
        for (long remaining = size; remaining > 0;)
        {
            int n = tar.Read(_chunk, 0, (int)Math.Min(_chunk.Length, remaining));
            if (n == 0) throw Fail(Position, $"the archive ends inside the {what} ({size - remaining} of {size} bytes)");
            buffer.Write(_chunk, 0, n);
            remaining -= n;
            Position += n;
        }
        return buffer.ToArray();
    }

    private void Skip(long size)
    {
        for (long remaining = size; remaining > 0;)
        {
            int n = tar.Read(_chunk, 0, (int)Math.Min(_chunk.Length, remaining));
            if (n == 0) throw Fail(Position, $"the archive ends {remaining} bytes before the end its header promises");
            remaining -= n;
            Position += n;
        }
    }

    private void CheckChecksum(long at)
    {
        long stored = ParseOctal(_header.AsSpan(148, 8), at, "checksum");
        long unsigned = 0, signed = 0;
        for (int i = 0; i < Block; i++)
        {
            byte b = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        // Some old writers summed signed bytes; both are accepted, as GNU tar does.
        if (stored != unsigned && stored != signed)
            throw Fail(at, $"header checksum is {stored} but the header sums to {unsigned}");
    }

    private string HeaderName()
    {
        string name = Utf8(CString(_header.AsSpan(0, 100)));
        // POSIX ustar ("ustar\0") keeps the start of long paths in the prefix field; GNU ("ustar  ") uses it for other things.
        if (_header.AsSpan(257, 6).SequenceEqual("ustar\0"u8))
        {
            var prefix = CString(_header.AsSpan(345, 155));
            if (prefix.Length > 0) name = Utf8(prefix) + "/" + name;
        }
        return name;
    }

    private long ParseSize(long at)
    {
        var field = _header.AsSpan(124, 12);
        if ((field[0] & 0x80) == 0) return ParseOctal(field, at, "size");
        // Base-256 (GNU, star): 0x80 then a big-endian number; 0xFF marks a negative one.
        if (field[0] != 0x80 || field[1..4].IndexOfAnyExcept((byte)0) >= 0 || field[4] >= 0x80)
            throw Fail(at, "size field holds a negative or too large binary number");
        long size = 0;
        foreach (byte b in field[4..]) size = (size << 8) | b;
        return size;
    }

    private long ParseOctal(ReadOnlySpan<byte> field, long at, string what)
    {
        var digits = field.Trim((byte)' ').Trim((byte)0).Trim((byte)' ');
        long value = 0;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'7') throw Fail(at, $"{what} field '{Latin1(field)}' is not an octal number");
            value = value * 8 + (b - '0');
        }
        return value;
    }

    /// <summary>Pax records: "LENGTH key=value\n", LENGTH counting the whole record in bytes.</summary>
    private (string? Path, long? Size) ParsePax(byte[] records, long at)
    {
        string? path = null;
        long? size = null;
        int pos = 0;
        while (pos < records.Length)
        {
            int space = records.AsSpan(pos).IndexOf((byte)' ');
            if (space is <= 0 or > 7 || !int.TryParse(records.AsSpan(pos, space), System.Globalization.NumberStyles.None, null, out int length)
                || length < space + 4 || length > records.Length - pos || records[pos + length - 1] != (byte)'\n')
                throw Fail(at, $"malformed pax record at byte {pos} of the pax header");
            var record = records.AsSpan(pos + space + 1, length - space - 2);
            int eq = record.IndexOf((byte)'=');
            if (eq <= 0) throw Fail(at, $"pax record at byte {pos} has no key=value");
            var key = record[..eq];
            var value = record[(eq + 1)..];
            if (key.SequenceEqual("path"u8)) path = Utf8(value);
            else if (key.SequenceEqual("size"u8))
            {
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, null, out long s))
                    throw Fail(at, $"pax size '{Latin1(value[..Math.Min(value.Length, 40)])}' is not a byte count");
                size = s;
            }
            pos += length;
        }
        return (path, size);
    }

    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return end < 0 ? field : field[..end];
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private DataFormatException Fail(long offset, string problem) => new(file, Current, offset, problem);
}
