using System.Buffers.Binary;
using System.Text;

namespace Descent.Tests.Fuzz;

/// <summary>Format-blind byte mutations: truncation, bit flips, overwrites, insertions, deletions,
/// duplicated ranges and "interesting" integers (0, ±1, powers of two, int/uint/long limits) in either byte order.</summary>
internal static class Mutate
{
    public static readonly long[] Interesting =
    [
        0, 1, 2, 7, 8, 255, 256, 511, 512, 65535, 65536, 1L << 20, 1L << 21, 1L << 22,
        int.MaxValue, 1L << 31, uint.MaxValue, 1L << 32, long.MaxValue, -1, -2, long.MinValue, 100_000_001,
    ];

    /// <summary>One to three stacked mutations of <paramref name="seed"/>; returns the bytes and a description.</summary>
    public static (byte[] Bytes, string How) Bytes(Random r, byte[] seed)
    {
        var bytes = seed;
        var how = new List<string>();
        int n = r.Next(10) < 7 ? 1 : r.Next(2, 4);
        for (int k = 0; k < n; k++)
        {
            (bytes, string h) = Once(r, bytes);
            how.Add(h);
        }
        return (bytes, string.Join("+", how));
    }

    public static (byte[] Bytes, string How) Once(Random r, byte[] b)
    {
        int len = b.Length;
        int at = len == 0 ? 0 : r.Next(len);
        switch (r.Next(8))
        {
            case 0:
                return (b[..r.Next(len + 1)], "truncate");
            case 1:
            {
                var c = (byte[])b.Clone();
                int flips = r.Next(1, 9);
                for (int i = 0; i < flips && len > 0; i++) c[r.Next(len)] ^= (byte)(1 << r.Next(8));
                return (c, $"flip{flips}");
            }
            case 2:
            {
                var c = (byte[])b.Clone();
                int count = Math.Min(r.Next(1, 17), len - at);
                for (int i = 0; i < count; i++) c[at + i] = r.Next(3) switch { 0 => (byte)r.Next(256), 1 => 0xFF, _ => 0 };
                return (c, $"overwrite@{at}");
            }
            case 3:
            {
                var extra = new byte[r.Next(1, 65)];
                r.NextBytes(extra);
                return ([.. b[..at], .. extra, .. b[at..]], $"insert{extra.Length}@{at}");
            }
            case 4:
            {
                int count = Math.Min(r.Next(1, 65), len - at);
                return ([.. b[..at], .. b[(at + count)..]], $"delete{count}@{at}");
            }
            case 5:
            {
                int count = Math.Min(r.Next(1, 129), len - at);
                int to = len == 0 ? 0 : r.Next(len);
                return ([.. b[..to], .. b[at..(at + count)], .. b[to..]], $"dup{count}@{at}->{to}");
            }
            case 6:
            {
                var c = (byte[])b.Clone();
                long v = Interesting[r.Next(Interesting.Length)];
                int width = r.Next(2) == 0 ? 4 : 8;
                if (at + width > len) return (c, "noop");
                bool big = r.Next(2) == 0;
                if (width == 4 && big) BinaryPrimitives.WriteInt32BigEndian(c.AsSpan(at), (int)v);
                else if (width == 4) BinaryPrimitives.WriteInt32LittleEndian(c.AsSpan(at), (int)v);
                else if (big) BinaryPrimitives.WriteInt64BigEndian(c.AsSpan(at), v);
                else BinaryPrimitives.WriteInt64LittleEndian(c.AsSpan(at), v);
                return (c, $"int{width}{(big ? "be" : "le")}={v}@{at}");
            }
            default:
            {
                var c = (byte[])b.Clone();
                if (len > 0) c[at] = (byte)(c[at] + r.Next(-3, 4));
                return (c, $"nudge@{at}");
            }
        }
    }

    /// <summary>Text tokens that trouble parsers of JSON and CSV.</summary>
    public static readonly string[] Tokens =
    [
        ",", "\n", "\r\n", "\r", "\"", "\"\"", " ", "\t", "\0", "\uFEFF", "NaN", "Infinity", "-Infinity", "1e999", "-1e999",
        "1e39", "-0", "0x10", "1_000", "∞", "null", "true", "[]", "{}", "[", "]", "{", "}", ":", "\\", "\\u0000", "\\ud800",
        "999999999999999999999999999999", "0.1e-400", "-", "+", ".", "1.", ".5", "1e", "é", "\u2028", new string('[', 300),
        new string('9', 400), "\"data\":[0]", "\"data\":", "\xFF",
    ];

    /// <summary>Inserts, replaces or deletes text at a random place (on UTF-8 text; invalid bytes may appear).</summary>
    public static (byte[] Bytes, string How) Text(Random r, byte[] seed)
    {
        string token = Tokens[r.Next(Tokens.Length)];
        var tokenBytes = token == "\xFF" ? [0xFF] : Encoding.UTF8.GetBytes(token);
        int at = seed.Length == 0 ? 0 : r.Next(seed.Length + 1);
        string shown = Escape(token.Length > 12 ? token[..12] + "…" : token);
        switch (r.Next(3))
        {
            case 0:
                return ([.. seed[..at], .. tokenBytes, .. seed[at..]], $"insert '{shown}'@{at}");
            case 1:
            {
                int count = Math.Min(r.Next(1, 6), seed.Length - at);
                return ([.. seed[..at], .. tokenBytes, .. seed[(at + count)..]], $"replace{count} '{shown}'@{at}");
            }
            default:
            {
                // Replace one number in the text with the token: a lying value rather than broken syntax.
                var text = Encoding.UTF8.GetString(seed);
                var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?([eE][-+]?\d+)?");
                if (numbers.Count == 0) return ([.. seed[..at], .. tokenBytes, .. seed[at..]], $"insert '{shown}'@{at}");
                var m = numbers[r.Next(numbers.Count)];
                string replaced = text[..m.Index] + token + text[(m.Index + m.Length)..];
                return (Encoding.UTF8.GetBytes(replaced), $"number#{m.Index}->'{shown}'");
            }
        }
    }

    public static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (char ch in s) sb.Append(char.IsControl(ch) || ch > 126 ? $"\\u{(int)ch:x4}" : ch.ToString());
        return sb.ToString();
    }
}
