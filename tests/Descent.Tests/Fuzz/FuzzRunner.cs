using System.Diagnostics;
using System.IO.Compression;

namespace Descent.Tests.Fuzz;

/// <summary>One mutated input: its bytes, how it was made (for the failure message) and how many bytes
/// it really holds once decompressed (0 when it is not compressed).</summary>
internal sealed record FuzzCase(byte[] Input, string Mutation, long DecompressedBytes = 0);

/// <summary>
/// Runs seeded mutation cases against a reader on a worker thread, under a watchdog.
/// A case passes when the reader returns a result that its validator accepts, or throws one of the
/// allowed exceptions with a one-line message that names the file. Everything else fails the test:
/// another exception type, a multi-line or anonymous message, a case slower than <see cref="CaseBudget"/>
/// (a hang), or more managed allocation than <see cref="AllocationBound"/>.
/// </summary>
/// <remarks>
/// The allocation bound is 64 bytes per byte of input (or per byte of decompressed data for gzip inputs,
/// measured independently by the test, so the bound counts data that is really there and never what a
/// header claims) plus 1 MiB of fixed overhead (buffers of GZipStream, TarReader, JsonDocument, the
/// stream copy chunks). A reader that trusts a length field to size an array exceeds it at once: the
/// mutations write lengths of 2^31 and more into files of a few kilobytes.
/// Each case gets its own <see cref="Random"/> seeded from (reader seed, case index), so a failure message's
/// case number reproduces it alone. Set DESCENT_FUZZ_CASES=N for a longer run.
/// </remarks>
internal static class FuzzRunner
{
    /// <summary>Cases per reader: 10,000 by default, DESCENT_FUZZ_CASES when set.</summary>
    public static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("DESCENT_FUZZ_CASES"), out int n) && n > 0 ? n : 10_000;

    /// <summary>Wall time one case may take before it counts as a hang (generous: the cores are shared).</summary>
    public static readonly TimeSpan CaseBudget = TimeSpan.FromSeconds(3);

    public const long BytesPerInputByte = 64;
    public const long FixedOverhead = 1 << 20;

    public static long AllocationBound(FuzzCase c) => BytesPerInputByte * Math.Max(c.Input.Length, c.DecompressedBytes) + FixedOverhead;

    /// <summary>Runs the cases; returns how many ended in success and how many in the reader's exception.</summary>
    public static (int Succeeded, int Rejected) Run(string reader, string file, int seed, Func<Random, FuzzCase> generate,
        Action<FuzzCase> parse, params Type[] allowed) => Run(reader, file, seed, Cases, generate, parse, allowed);

    public static (int Succeeded, int Rejected) Run(string reader, string file, int seed, int cases, Func<Random, FuzzCase> generate,
        Action<FuzzCase> parse, params Type[] allowed) => Run(reader, file, seed, cases, CaseBudget, generate, parse, allowed);

    public static (int Succeeded, int Rejected) Run(string reader, string file, int seed, int cases, TimeSpan budget, Func<Random, FuzzCase> generate,
        Action<FuzzCase> parse, params Type[] allowed)
    {
        var failures = new Dictionary<string, string>();
        int succeeded = 0, rejected = 0;
        long caseStart = 0;
        int current = -1;
        string currentMutation = "";
        Exception? crash = null;
        var worker = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < cases; i++)
                {
                    var c = generate(CaseRandom(seed, i));
                    Volatile.Write(ref currentMutation, c.Mutation);
                    Volatile.Write(ref caseStart, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current, i);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    Exception? thrown = null;
                    try { parse(c); }
                    catch (Exception e) { thrown = e; }
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    var elapsed = Stopwatch.GetElapsedTime(Volatile.Read(ref caseStart));
                    Volatile.Write(ref current, -1);

                    string? fault = null;
                    if (thrown == null) succeeded++;
                    else if (!allowed.Contains(thrown.GetType())) fault = $"{thrown.GetType().Name}: {OneLine(thrown.Message)} at {TopFrame(thrown)}";
                    else if (thrown.Message.Contains('\n') || thrown.Message.Contains('\r')) fault = $"multi-line message: {OneLine(thrown.Message)}";
                    else if (!thrown.Message.StartsWith(file, StringComparison.Ordinal)) fault = $"message does not start with '{file}': {thrown.Message}";
                    else rejected++;
                    if (fault == null && allocated > AllocationBound(c))
                        fault = $"allocated {allocated:N0} bytes for {c.Input.Length:N0} input bytes ({c.DecompressedBytes:N0} decompressed), bound {AllocationBound(c):N0}";
                    if (fault == null && elapsed > budget)
                        fault = $"took {elapsed.TotalSeconds:F1} s, budget {budget.TotalSeconds} s";
                    if (fault != null)
                    {
                        string key = fault.Length > 60 ? fault[..60] : fault;
                        failures.TryAdd(key, $"case {i} ({c.Mutation}): {fault}");
                    }
                }
            }
            catch (Exception e)
            {
                crash = e;
            }
        }, 16 << 20) { IsBackground = true, Name = "fuzz " + reader };
        worker.Start();
        while (!worker.Join(100))
        {
            int i = Volatile.Read(ref current);
            long start = Volatile.Read(ref caseStart);
            if (i >= 0 && Stopwatch.GetElapsedTime(start) > 2 * budget && Volatile.Read(ref current) == i)
                Assert.Fail($"{reader} ({file}): case {i} ({Volatile.Read(ref currentMutation)}) still running after {2 * budget.TotalSeconds} s: a hang");
        }
        if (crash != null) Assert.Fail($"{reader} ({file}): the case generator threw {crash.GetType().Name}: {OneLine(crash.Message)}");
        if (failures.Count > 0)
            Assert.Fail($"{reader} ({file}, seed {seed}): {failures.Count} distinct failures in {cases} cases:\n" + string.Join("\n", failures.Values.Take(20)));
        return (succeeded, rejected);
    }

    /// <summary>The generator of case <paramref name="index"/>: deterministic across runs and machines.</summary>
    public static Random CaseRandom(int seed, int index) => new(unchecked(seed * 1_000_003 + index));

    /// <summary>A fresh folder for cases that must go through a file: in memory (/dev/shm) where the system has it.</summary>
    public static string TempFolder()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        return Directory.CreateDirectory(Path.Combine(root, $"descent-fuzz-{Guid.NewGuid():N}")).FullName;
    }

    /// <summary>The bytes a gzip stream really decompresses to (up to a cap), however it ends.</summary>
    public static long GunzippedLength(byte[] bytes, long cap = 64L << 20)
    {
        long total = 0;
        try
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var chunk = new byte[4096];
            int read;
            while (total < cap && (read = gz.Read(chunk, 0, chunk.Length)) > 0) total += read;
        }
        catch (InvalidDataException) { }
        catch (IOException) { }
        return total;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" | ");

    private static string TopFrame(Exception e)
    {
        var frame = new StackTrace(e, false).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Descent", StringComparison.Ordinal) == true);
        var m = frame?.GetMethod();
        return m == null ? "(no Descent frame)" : $"{m.DeclaringType?.Name}.{m.Name}";
    }
}
