using System.Diagnostics;

namespace Descent.Tests.Interop;

/// <summary>
/// Debian's <c>python3-torch</c> (a real PyTorch, with gloo), run as <c>/usr/bin/python3</c>: a <c>python3</c>
/// earlier on PATH (pyenv, a venv) is usually another interpreter without torch. CI (<c>CI=true</c>, where
/// <c>.ci/run</c> installs it) must have it and tries <c>apt-get install</c> once more before failing; elsewhere
/// the tests that need it are skipped with the reason, since <c>dotnet test</c> must work with only the .NET SDK.
/// </summary>
internal static class TorchPython
{
    public const string Python = "/usr/bin/python3";

    private const string Packages = "python3-torch libopenblas0-pthread";

    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why the torch tests cannot run here, or null when they can (always null in CI, where they must run).</summary>
    public static string? SkipReason => InCi ? null : Missing.Value;

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// torchrun's flags that send each worker's stdout to its log and to the console. Debian 12's torch 1.13
    /// under Python 3.11 cannot start workers without them: its default <c>--redirects 0</c> parses to None,
    /// because Python 3.11's flag enums no longer list the zero flag when iterated.
    /// </summary>
    public static readonly string[] TorchrunOutput = ["--redirects", "1", "--tee", "1"];

    /// <summary>The scripts under <c>tests/interop/</c>.</summary>
    public static string Script(string name) => Path.Combine(TestData.RepoRoot, "tests", "interop", name);

    /// <summary>Fails the test (in CI, after trying to install the packages) when torch is not importable.</summary>
    public static void Require()
    {
        if (Missing.Value == null) return;
        string? again = Missing.Value;
        if (InCi)
        {
            var install = Start("sh", ["-c", $"apt-get update -qq && apt-get install -y -qq {Packages}"], TimeSpan.FromMinutes(10));
            again = install.ExitCode == 0 ? Probe() : $"apt-get install {Packages} exited {install.ExitCode}: {install.Stderr}";
        }
        if (again != null) throw new Xunit.Sdk.XunitException($"PyTorch is required here (CI=true): {again}");
    }

    /// <summary>Runs <see cref="Python"/> with <paramref name="args"/> in <paramref name="folder"/>; fails the test on a non-zero exit or timeout.</summary>
    public static string Run(string folder, TimeSpan timeout, params string[] args)
    {
        var run = Start(Python, args, timeout, folder);
        if (run.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"python3 {string.Join(' ', args)} exited {run.ExitCode}:\n{run.Stdout}\n{run.Stderr}");
        return run.Stdout;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"{Python} not found (apt-get install {Packages})";
        // find_spec, not import: importing torch costs seconds, and this runs while tests are being discovered.
        var probe = Start(Python, ["-c", "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 3)"], TimeSpan.FromSeconds(30));
        return probe.ExitCode == 0 ? null : $"{Python} cannot import torch (apt-get install {Packages})";
    }

    private static (int ExitCode, string Stdout, string Stderr) Start(string file, IEnumerable<string> args, TimeSpan timeout, string? folder = null)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (folder != null) start.WorkingDirectory = folder;
        // One thread per process: the test machine's cores are shared by the processes torchrun starts.
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        // The scripts are imported from tests/interop/; their bytecode must not land in the working tree.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", $"{file} could not be started: {e.Message}");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, stdout.Result, $"{file} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s\n{stderr.Result}");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
