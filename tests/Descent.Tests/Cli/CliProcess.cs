using System.Diagnostics;

namespace Descent.Tests.Cli;

/// <summary>Runs the descent tool as a child process, for what only a fresh process shows: runtime settings, kills.</summary>
internal static class CliProcess
{
    /// <summary>The CLI built beside the tests (a ProjectReference copies it with its runtimeconfig).</summary>
    public static string CliDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll");
            Assert.True(File.Exists(path), $"{path} is missing: the test project must reference Descent.Cli");
            return path;
        }
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else dotnet on the PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
        : "dotnet";

    /// <summary>Runs the tool to its end (at most two minutes) with extra environment variables.</summary>
    public static CliRunner.Result Run(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunIn(Environment.CurrentDirectory, environment, args);

    /// <summary>Runs the tool to its end (at most two minutes) in <paramref name="workingDirectory"/>, with extra environment variables.</summary>
    public static CliRunner.Result RunIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        // Both pipes drained at once: a full pipe would block the child.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail($"descent {string.Join(' ', args)} did not finish in 2 minutes");
        }
        process.WaitForExit();
        return new CliRunner.Result(process.ExitCode, stdout.Result.ReplaceLineEndings("\n"), stderr.Result.ReplaceLineEndings("\n"));
    }
}
