using System.Diagnostics;
using Descent.IO;
using Descent.Tests.Cli;
using Descent.Tests.Training;
using Descent.Training;
using Xunit.Abstractions;

namespace Descent.Tests.Proof;

/// <summary>
/// Crash safety of <c>descent train --checkpoint</c>: child processes are killed with SIGKILL at seeded random
/// moments, some while a checkpoint is being written. After every kill the checkpoint at the target path is
/// absent (killed before the first epoch ended) or complete and no older than the one before; resuming from
/// it until the run ends gives the weights and history of an uninterrupted run, bit for bit.
/// DESCENT_CRASH_KILLS=N kills N times (default 12).
/// </summary>
public class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Epochs = 60;

    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("DESCENT_CRASH_KILLS"), out int n) && n > 0 ? n : 12;

    private static string CliDll => CliProcess.CliDll;

    private static string DotnetHost => CliProcess.DotnetHost;

    /// <summary>A tiny, single-threaded run: 800 moons points in batches of 8, 100 steps and one checkpoint per epoch.</summary>
    private static Process Start(string checkpoint, bool resume)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { CliDll, "train", "--data", "moons", "--model", "mlp:8", "--epochs", Epochs.ToString(), "--batch-size", "8",
            "--seed", "3", "--threads", "1", "--checkpoint", checkpoint })
            info.ArgumentList.Add(a);
        if (resume)
        {
            info.ArgumentList.Add("--resume");
            info.ArgumentList.Add(checkpoint);
        }
        var process = new Process { StartInfo = info };
        var errors = new System.Text.StringBuilder();
        // Both pipes drained in the background: a full pipe would block the child.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Errors.Add(process, errors);
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Text.StringBuilder> Errors = [];

    /// <summary>Waits for a child that was not killed and asserts it succeeded.</summary>
    private static void AssertSucceeded(Process p, string what)
    {
        Assert.True(p.WaitForExit(120_000), $"{what}: descent train did not finish in 2 minutes");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{what}: descent train exited {p.ExitCode}: {(Errors.TryGetValue(p, out var e) ? e.ToString() : "")}");
    }

    private static void RunToEnd(string checkpoint, bool resume)
    {
        using var p = Start(checkpoint, resume);
        AssertSucceeded(p, resume ? "the final resumed run" : "the uninterrupted run");
    }

    /// <summary>A finished run's checkpoint must hold the uninterrupted run's weights and history, bit for bit.</summary>
    private static void AssertSameRun(Checkpoint whole, Checkpoint run)
    {
        Assert.Equal(whole.Epoch, run.Epoch);
        Assert.True(whole.History.SameValues(run.History), "the resumed history differs from the uninterrupted run's");
        Assert.Equal(whole.Model.Keys, run.Model.Keys);
        foreach (var (name, tensor) in whole.Model)
            TrainingKit.AssertBitIdentical(tensor.ToArray(), run.Model[name].ToArray());
    }

    private static DateTime WrittenAt(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;

    private static HashSet<string> TempFiles(string dir, string target) =>
        Directory.EnumerateFiles(dir, $".{Path.GetFileName(target)}.*.tmp").ToHashSet();

    /// <summary>What the kill schedule knows about the uninterrupted run.</summary>
    private sealed record Timing(double StartupSeconds, double EpochSeconds);

    /// <summary>
    /// Kills the child at a moment picked by <paramref name="r"/>: during start-up (before this launch writes a
    /// checkpoint), at a random time in training, a random part of an epoch after the k-th checkpoint of this
    /// launch lands (the next write follows within the epoch), or the instant a new temporary file shows a write
    /// in progress. Returns how it was killed, or null when the run ended first.
    /// </summary>
    private static string? KillAtRandom(Process p, Random r, string dir, string checkpoint, Timing timing)
    {
        var clock = Stopwatch.StartNew();
        int mode = r.Next(4);
        double startupAt = r.NextDouble() * timing.StartupSeconds;
        double trainingAt = r.NextDouble() * 20 * timing.EpochSeconds;
        int landings = r.Next(1, 6);
        double delay = r.NextDouble() * timing.EpochSeconds;
        var known = TempFiles(dir, checkpoint);
        var stamp = WrittenAt(checkpoint);
        int landed = 0;
        double firstLanding = 0, lastLanding = 0;
        while (!p.HasExited)
        {
            double now = clock.Elapsed.TotalSeconds;
            var written = WrittenAt(checkpoint);
            if (written != stamp)
            {
                stamp = written;
                if (landed++ == 0) firstLanding = now;
                lastLanding = now;
            }
            string? why = mode switch
            {
                0 when now >= startupAt => $"in start-up at {now:F2} s",
                1 when landed > 0 && now - firstLanding >= trainingAt => $"in training, {trainingAt * 1000:F0} ms after this launch's first checkpoint",
                2 when landed >= landings && now - lastLanding >= delay => $"{delay * 1000:F1} ms after checkpoint {landed} of this launch",
                3 when landed > 0 && TempFiles(dir, checkpoint).Except(known).Any() => "while a checkpoint was being written",
                _ => null,
            };
            // A moment that never comes (a write too quick to see) falls back to a limit, counted from this launch's
            // first checkpoint: start-up under load can take several times the reference's.
            if (why == null && landed > 0 && now - firstLanding > 40 * timing.EpochSeconds) why = $"at the limit, {now:F2} s";
            if (why != null)
            {
                try
                {
                    p.Kill();
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
                p.WaitForExit();
                return why;
            }
            Thread.SpinWait(1000);
        }
        return null;
    }

    /// <summary>Runs the uninterrupted run, timing its start-up (to the first checkpoint) and its epochs.</summary>
    private static Timing RunReference(string checkpoint)
    {
        var clock = Stopwatch.StartNew();
        using var p = Start(checkpoint, resume: false);
        double first = 0;
        while (!p.HasExited)
        {
            if (first == 0 && File.Exists(checkpoint)) first = clock.Elapsed.TotalSeconds;
            Thread.Sleep(1);
        }
        AssertSucceeded(p, "the uninterrupted run");
        double total = clock.Elapsed.TotalSeconds;
        if (first == 0) first = total / 2;
        return new Timing(first, Math.Max(1e-3, (total - first) / (Epochs - 1)));
    }

    [Fact]
    public void KilledTrainingAlwaysLeavesALoadableCheckpoint_AndResumesToTheSameWeights()
    {
        var dir = TrainingKit.TempFolder();
        var total = Stopwatch.StartNew();
        try
        {
            var reference = Path.Combine(dir, "reference.safetensors");
            var timing = RunReference(reference);
            var whole = Checkpoint.Load(reference);
            Assert.Equal(Epochs, whole.Epoch);

            var checkpoint = Path.Combine(dir, "run.safetensors");
            var r = new Random(2024);
            int kills = 0, finished = 0, launches = 0, resumes = 0, duringWrite = 0, lastEpoch = 0;
            var epochsAtKill = new List<int>();
            while (kills < Kills)
            {
                bool resume = File.Exists(checkpoint);
                var before = TempFiles(dir, checkpoint);
                using var p = Start(checkpoint, resume);
                launches++;
                if (resume) resumes++;
                string? how = KillAtRandom(p, r, dir, checkpoint, timing);
                if (how == null)
                {
                    AssertSucceeded(p, $"launch {launches}");
                    // The run reached the end before its kill: it must equal the uninterrupted one; then start over,
                    // so that the remaining kills land in training.
                    AssertSameRun(whole, Checkpoint.Load(checkpoint));
                    finished++;
                    output.WriteLine($"launch {launches}: ended before its kill, same weights as the uninterrupted run");
                    File.Delete(checkpoint);
                    lastEpoch = 0;
                    continue;
                }
                kills++;
                // A temporary file the kill left behind: it struck inside a checkpoint write.
                bool inWrite = TempFiles(dir, checkpoint).Except(before).Any();
                if (inWrite) duringWrite++;
                if (!File.Exists(checkpoint))
                {
                    Assert.Equal(0, lastEpoch);
                    epochsAtKill.Add(0);
                    output.WriteLine($"kill {kills} ({how}): no checkpoint yet");
                    continue;
                }
                var saved = Checkpoint.Load(checkpoint);
                Assert.True(saved.Epoch >= lastEpoch, $"kill {kills} ({how}): the checkpoint went back from epoch {lastEpoch} to {saved.Epoch}");
                Assert.Equal(saved.Epoch, saved.History.Count);
                lastEpoch = saved.Epoch;
                epochsAtKill.Add(saved.Epoch);
                output.WriteLine($"kill {kills} ({how}{(inWrite ? ", mid-write" : "")}): checkpoint loads, epoch {saved.Epoch}");
            }
            // The last run goes to the end, resuming from whatever the last kill left.
            bool finalResume = File.Exists(checkpoint);
            RunToEnd(checkpoint, finalResume);
            AssertSameRun(whole, Checkpoint.Load(checkpoint));
            if (finalResume) resumes++;
            int strays = Directory.EnumerateFiles(dir, "*.tmp").Count();
            output.WriteLine($"{kills} kills ({duringWrite} inside a checkpoint write, {strays} stray temporary files), {launches + 1} launches, " +
                $"{resumes} resumes, {finished + 1} runs to the end bit-identical to the uninterrupted one; epochs at the kills: {string.Join(", ", epochsAtKill)}; " +
                $"uninterrupted run: start-up {timing.StartupSeconds:F2} s, {timing.EpochSeconds * 1000:F1} ms per epoch; whole test {total.Elapsed.TotalSeconds:F1} s");
            Assert.True(epochsAtKill.Distinct().Count() > 1, "every kill hit the same epoch: the kills do not interrupt training");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
