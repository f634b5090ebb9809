using System.Text;

namespace Descent.Oracle;

/// <summary>
/// Makes TorchSharp-cpu 0.107.0 loadable on Debian 12. Its libLibTorchSharp.so (built with GCC 13)
/// needs GLIBCXX_3.4.32 for a single symbol, <c>_ZSt21ios_base_library_initv</c>, an iostream link
/// anchor that nothing calls; Debian 12's libstdc++ stops at 3.4.30, so dlopen fails on the version
/// check alone. This marks that version need weak (VER_FLG_WEAK) in the copy under the test or bench
/// output folder — never in the NuGet cache — and only when every symbol bound to it is such an anchor.
/// </summary>
public static class LibTorchLoadFix
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const uint ShtDynsym = 11;
    private const ushort VerFlgWeak = 2;
    private static readonly string[] AnchorSymbols = ["_ZSt21ios_base_library_initv"];
    private static readonly object Gate = new();
    private static bool _done;

    /// <summary>Patches the library next to the running assembly if needed; safe to call many times.</summary>
    public static void Apply(Action<string>? log = null)
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            if (!OperatingSystem.IsLinux()) return;
            foreach (var path in Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                var missing = MissingVersions(path, SystemLibStdCxx());
                if (missing.Count == 0) continue;
                var patched = Patch(path, missing);
                if (patched.Count > 0) (log ?? Console.WriteLine)($"LibTorchLoadFix: marked {string.Join(", ", patched)} weak in {path}");
            }
        }
    }

    private static string? SystemLibStdCxx()
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib" })
        {
            var p = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>The libstdc++ version needs of <paramref name="library"/> that the system library does not define.</summary>
    internal static List<string> MissingVersions(string library, string? systemLibStdCxx)
    {
        var elf = Elf.Read(File.ReadAllBytes(library));
        var needs = elf.VersionNeeds().Where(n => n.File.StartsWith("libstdc++", StringComparison.Ordinal) && n.Flags != VerFlgWeak).Select(n => n.Name).ToList();
        if (systemLibStdCxx == null) return [];
        var systemBytes = File.ReadAllBytes(systemLibStdCxx);
        return needs.Where(n => IndexOf(systemBytes, Encoding.ASCII.GetBytes(n + "\0")) < 0).ToList();
    }

    /// <summary>Marks the given version needs weak when only anchor symbols use them; returns the ones patched.</summary>
    internal static List<string> Patch(string library, IReadOnlyCollection<string> versions)
    {
        var bytes = File.ReadAllBytes(library);
        var elf = Elf.Read(bytes);
        var patched = new List<string>();
        foreach (var need in elf.VersionNeeds().Where(n => versions.Contains(n.Name)))
        {
            var users = elf.SymbolsWithVersionIndex(need.Index);
            if (users.Count == 0 || users.Any(u => !AnchorSymbols.Contains(u))) continue;
            BitConverter.TryWriteBytes(bytes.AsSpan(need.FlagsOffset, 2), VerFlgWeak);
            patched.Add(need.Name);
        }
        if (patched.Count > 0)
        {
            var tmp = library + ".patching";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, library, overwrite: true);
        }
        return patched;
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    internal readonly record struct VersionNeed(string File, string Name, ushort Flags, ushort Index, int FlagsOffset);

    /// <summary>Just enough of an ELF64 little-endian reader for the version sections.</summary>
    internal sealed class Elf
    {
        private readonly byte[] _b;
        private readonly List<(uint Type, long Offset, long Size, uint Link, long EntSize)> _sections = [];

        private Elf(byte[] b) => _b = b;

        public static Elf Read(byte[] b)
        {
            if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
                throw new InvalidDataException("LibTorchLoadFix: not a little-endian ELF64 file");
            var elf = new Elf(b);
            long shoff = elf.U64(0x28);
            int shentsize = elf.U16(0x3A), shnum = elf.U16(0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long o = shoff + (long)i * shentsize;
                elf._sections.Add((elf.U32(o + 4), (long)elf.U64(o + 0x18), (long)elf.U64(o + 0x20), elf.U32(o + 0x28), (long)elf.U64(o + 0x38)));
            }
            return elf;
        }

        private ushort U16(long o) => BitConverter.ToUInt16(_b, (int)o);
        private uint U32(long o) => BitConverter.ToUInt32(_b, (int)o);
        private long U64(long o) => (long)BitConverter.ToUInt64(_b, (int)o);

        private string Str(int section, long offset)
        {
            long start = _sections[section].Offset + offset, end = start;
            while (_b[end] != 0) end++;
            return Encoding.ASCII.GetString(_b, (int)start, (int)(end - start));
        }

        public List<VersionNeed> VersionNeeds()
        {
            var result = new List<VersionNeed>();
            foreach (var s in _sections.Where(s => s.Type == ShtGnuVerneed))
            {
                int strtab = (int)s.Link;
                long vn = s.Offset;
                while (true)
                {
                    int cnt = U16(vn + 2);
                    string file = Str(strtab, U32(vn + 4));
                    long aux = vn + U32(vn + 8);
                    for (int i = 0; i < cnt; i++)
                    {
                        result.Add(new VersionNeed(file, Str(strtab, U32(aux + 8)), U16(aux + 4), U16(aux + 6), (int)(aux + 4)));
                        uint nextAux = U32(aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return result;
        }

        public List<string> SymbolsWithVersionIndex(ushort index)
        {
            var names = new List<string>();
            int dynsym = _sections.FindIndex(s => s.Type == ShtDynsym);
            int versym = _sections.FindIndex(s => s.Type == ShtGnuVersym);
            if (dynsym < 0 || versym < 0) return names;
            var sym = _sections[dynsym];
            long count = sym.Size / sym.EntSize;
            for (long i = 0; i < count; i++)
            {
                ushort v = (ushort)(U16(_sections[versym].Offset + i * 2) & 0x7fff);
                if (v == index) names.Add(Str((int)sym.Link, U32(sym.Offset + i * sym.EntSize)));
            }
            return names;
        }
    }
}
