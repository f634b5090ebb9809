using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Descent.Kernels;

/// <summary>
/// The GEMM's tile (MR x NR, set by the micro-kernel's vector width) and block sizes (KC, MC, NC) for
/// the CPU this process runs on, chosen once at start-up.
/// </summary>
/// <remarks>
/// Measured on an Intel Xeon (family 6, model 207, 2 MiB L2): KC 128-384, MC 96-384 and NC 512-2048
/// (with A packed), and NC 512 against 1024 (with A read in place), all land within the run-to-run
/// noise; NC 512 is the setting the AMD EPYC (Zen 4, 1 MiB L2) was first tuned with. What matters is that a packed B block (KC x NC floats) stays in L2 with room
/// for A and C, so NC follows the L2 size the CPU reports: half of it for the block, at most 512
/// columns (the measured setting on both CPUs), at least one tile.
/// </remarks>
internal readonly record struct GemmBlocking(int MR, int NR, int KC, int MC, int NC, string Cpu)
{
    /// <summary>The blocking for <paramref name="path"/> on this CPU.</summary>
    public static GemmBlocking For(GemmPath path)
    {
        var (cpu, l2Bytes) = Identify();
        int mr = path switch { GemmPath.Vector512 => 12, GemmPath.Vector256 => 6, _ => 4 };
        int nr = path switch { GemmPath.Vector512 => 32, GemmPath.Vector256 => 16, _ => 4 };
        const int kc = 256;
        int nc = l2Bytes > 0 ? (int)Math.Clamp(l2Bytes / 2 / (kc * sizeof(float)), nr, 512) : 512;
        nc -= nc % nr;
        return new GemmBlocking(mr, nr, kc, mr * 8, nc, cpu);
    }

    /// <summary>"vendor family f model m, L2 n KiB" from CPUID, and the L2 size in bytes (0 where unknown).</summary>
    private static (string Cpu, long L2Bytes) Identify()
    {
        if (!X86Base.IsSupported) return ("not x86", 0);
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
        return ($"{vendor} family {family} model {model}, L2 {l2 / 1024} KiB", l2);
    }
}
