using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Descent.Kernels;

/// <summary>The AVX-512 GEMM's register tile (rows x columns of C a micro-kernel computes).</summary>
internal enum GemmTile
{
    /// <summary>12 x 32 (<see cref="GemmMicroKernels.Vector512Kernel{TRows, TA}"/>): the choice on AMD.</summary>
    Tall12x32,

    /// <summary>8 x 48 (<see cref="GemmWideKernel"/>): fewer µops and loads per FMA; the choice on Intel.</summary>
    Wide8x48,
}

/// <summary>
/// The GEMM's tile (MR x NR, set by the micro-kernel's vector width and, on AVX-512, the <see cref="GemmTile"/>)
/// and block sizes (KC, MC, NC) for the CPU this process runs on, chosen once at start-up.
/// </summary>
/// <remarks>
/// Measured on an Intel Xeon (family 6, model 207, 2 MiB L2): KC 128-384, MC 96-384 and NC 512-2048
/// (with A packed), and NC 512 against 1024 (with A read in place), all land within the run-to-run
/// noise; NC 512 is the setting the AMD EPYC (Zen 4, 1 MiB L2) was first tuned with. What matters is that a packed B block (KC x NC floats) stays in L2 with room
/// for A and C, so NC follows the L2 size the CPU reports: half of it for the block, at most 512
/// columns (the measured setting on both CPUs), at least one tile.
/// </remarks>
internal readonly record struct GemmBlocking(int MR, int NR, int KC, int MC, int NC, GemmTile Tile, string Cpu)
{
    /// <summary>The environment variable that overrides the AVX-512 tile: <c>12x32</c> or <c>8x48</c> (benchmarks and tests).</summary>
    public const string TileVariable = "DESCENT_GEMM_TILE";

    /// <summary>The blocking for <paramref name="path"/> on this CPU, with this CPU's tile (<see cref="ChooseTile"/>).</summary>
    public static GemmBlocking For(GemmPath path) => For(path, ChooseTile(Identify().Vendor, Environment.GetEnvironmentVariable(TileVariable)));

    /// <summary>The blocking for <paramref name="path"/> on this CPU with <paramref name="tile"/> (used on the AVX-512 path only).</summary>
    public static GemmBlocking For(GemmPath path, GemmTile tile)
    {
        var (cpu, _, l2Bytes) = Identify();
        bool wide = path == GemmPath.Vector512 && tile == GemmTile.Wide8x48;
        int mr = path switch { GemmPath.Vector512 => wide ? GemmWideKernel.Rows : 12, GemmPath.Vector256 => 6, _ => 4 };
        int nr = path switch { GemmPath.Vector512 => wide ? GemmWideKernel.Columns : 32, GemmPath.Vector256 => 16, _ => 4 };
        const int kc = 256;
        int nc = l2Bytes > 0 ? (int)Math.Clamp(l2Bytes / 2 / (kc * sizeof(float)), nr, 512) : 512;
        nc -= nc % nr;
        // 96 rows of A per block on both AVX-512 tiles (8 panels of 12, 12 of 8): the block measured best.
        int mc = path == GemmPath.Vector512 ? 96 : mr * 8;
        return new GemmBlocking(mr, nr, kc, mc, nc, path == GemmPath.Vector512 ? tile : GemmTile.Tall12x32, cpu);
    }

    /// <summary>
    /// The AVX-512 tile for a CPU of <paramref name="vendor"/>, unless <paramref name="setting"/> (the
    /// <see cref="TileVariable"/> variable) names one. Intel cores issue two 512-bit FMAs a cycle from two ports, and
    /// the 8 x 48 tile keeps them busier with fewer µops when the core's other hyperthread competes for issue slots
    /// (bench/results/2026-12-07-k848-s9-xeon-family6-model207/NOTES.md). AMD's Zen 4 runs each 512-bit operation as
    /// two 256-bit halves (double-pumped), so issue slots are not what it runs short of, and the 12 x 32 tile is the
    /// one measured there: AMD keeps it, since the 8 x 48 was never timed on an AMD core.
    /// </summary>
    internal static GemmTile ChooseTile(string vendor, string? setting)
    {
        switch (setting?.Trim())
        {
            case null or "": return vendor == "GenuineIntel" ? GemmTile.Wide8x48 : GemmTile.Tall12x32;
            case "12x32": return GemmTile.Tall12x32;
            case "8x48": return GemmTile.Wide8x48;
            default:
                throw new InvalidOperationException($"{TileVariable}: expected 12x32 or 8x48 (the AVX-512 GEMM tile, rows x columns), got '{setting}'");
        }
    }

    /// <summary>"vendor family f model m, L2 n KiB" from CPUID, the vendor, and the L2 size in bytes (0 where unknown).</summary>
    private static (string Cpu, string Vendor, long L2Bytes) Identify()
    {
        if (!X86Base.IsSupported) return ("not x86", "", 0);
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var vendor = new StringBuilder(12);
        foreach (int word in new[] { ebx, edx, ecx })
            for (int i = 0; i < 4; i++) vendor.Append((char)((word >> (8 * i)) & 0xFF));
        int eax1 = X86Base.CpuId(1, 0).Eax;
        int family = (eax1 >> 8) & 0xF, model = (eax1 >> 4) & 0xF;
        // The extended fields count only from family 15 (and, for the model, family 6 on Intel).
        if (family == 15) family += (eax1 >> 20) & 0xFF;
        if (family >= 6) model += ((eax1 >> 16) & 0xF) << 4;
        // Leaf 0x80000006 reports the L2 size in KiB (ECX bits 31-16) on both Intel and AMD.
        long l2 = 0;
        if ((uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= 0x80000006u)
            l2 = (long)((uint)X86Base.CpuId(unchecked((int)0x80000006), 0).Ecx >> 16) * 1024;
        return ($"{vendor} family {family} model {model}, L2 {l2 / 1024} KiB", vendor.ToString(), l2);
    }
}
