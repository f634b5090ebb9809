using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Descent.Kernels;
using TorchSharp;

namespace Descent.Bench;

/// <summary>
/// The machine and software a run measured: CPU, vector width and FMA ports, measured clock, the theoretical
/// FMA peak they give, and the libraries' versions and thread settings. Printed first and saved in the JSON.
/// </summary>
public sealed record Machine(string Cpu, string Vendor, int LogicalCpus, int Cores, string Isa, int Lanes, int FmaPorts, string PortsReason,
    double ClockGHz, string ClockSource, string GemmPath, string Runtime, string TorchSharp, string LibTorch, string OtherSide)
{
    /// <summary>cores used × clock × 2 FLOPs per FMA × lanes × FMA ports; threads beyond the physical cores add no FMA units.</summary>
    public double TheoreticalPeakGFlops(int threads) => Math.Min(threads, Cores) * ClockGHz * 2 * Lanes * FmaPorts;

    public static Machine Describe(int clockRepeats)
    {
        var fields = CpuInfo.Fields();
        string vendor = fields.GetValueOrDefault("vendor_id", "unknown");
        int family = int.TryParse(fields.GetValueOrDefault("cpu family"), out var f) ? f : 0;
        // "cpu cores" is the physical cores per package; in a VM it is what the hypervisor reports.
        int cores = int.TryParse(fields.GetValueOrDefault("cpu cores"), out var c) && c > 0 ? Math.Min(c, Environment.ProcessorCount) : Environment.ProcessorCount;
        bool avx512 = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
        bool avx2 = Avx2.IsSupported && Fma.IsSupported;
        var (lanes, ports, reason) = (avx512, avx2) switch
        {
            // Zen 4 (family 25) runs a 512-bit FMA as two halves on its two 256-bit pipes; Zen 5 (26) has full-width pipes.
            (true, _) when vendor == "AuthenticAMD" && family < 26 => (16, 1, "AMD Zen 4: 512-bit FMA in two 256-bit halves"),
            (true, _) => (16, 2, vendor == "GenuineIntel" ? "Intel AVX-512: two FMA ports assumed, as on Xeon Gold/Platinum" : "AVX-512: two full-width FMA pipes assumed"),
            (false, true) => (8, 2, "AVX2 with FMA, two 256-bit FMA pipes"),
            _ => (4, 1, "no AVX2/FMA: SSE, one multiply-add per lane and cycle at best"),
        };
        var (ghz, source) = ClockBench.Measure(clockRepeats);
        string torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        string libTorch = torch.__version__;
        return new Machine(Descent.Bench.CpuInfo.Model(), vendor, Environment.ProcessorCount, cores, avx512 ? "AVX-512" : avx2 ? "AVX2" : "none",
            lanes, ports, reason, ghz, source, Gemm.Path.ToString(), RuntimeInformation.FrameworkDescription, torchSharp, libTorch,
            $"TorchSharp {Short(torchSharp)} (libtorch {Short(libTorch)})");
    }

    // "0.107.0" → "0.107", "2.10.0.0" → "2.10": the label the README uses.
    private static string Short(string version) => string.Join('.', version.Split('.').Take(2));
}
