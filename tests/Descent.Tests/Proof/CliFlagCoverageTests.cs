using System.Text.RegularExpressions;
using Descent.Cli.Commands;
using Descent.Tests.Cli;

namespace Descent.Tests.Proof;

/// <summary>
/// Every flag that takes a value, of every command the help lists, has a bad-value case: in the CLI's own table
/// (<see cref="BadFlagTests"/>, and <see cref="LmCommandTests.BadFlags"/> for <c>descent lm</c>) or in <see cref="Extra"/> here, which runs under the same rule (exit 2, nothing on
/// stdout, exactly one line on stderr, no stack trace). A new command or flag without a case fails the run.
/// </summary>
public partial class CliFlagCoverageTests
{
    private static readonly Lazy<string> AFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"descent-flag-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "x");
        return path;
    });

    /// <summary>Bad values for flags the CLI's table leaves out.</summary>
    public static TheoryData<string, string[]> Extra() => new()
    {
        { "--seed: 'x' is not a valid", ["demo", "--seed", "x"] },
        { "--points: must be at least 2; got 1", ["demo", "--points", "1"] },
        { "--steps: must be at least 1; got 0", ["demo", "--steps", "0"] },
        { "--lr: must be a finite number greater than 0; got -0.1", ["demo", "--lr", "-0.1"] },
        // Was exit 1 ("is a file, not a folder" raised once the demo ran), not 2.
        { "is a file, not a folder", ["demo", "--out", AFile.Value] },
        { "--out: the folder name is empty", ["demo", "--out", " "] },
        { "--data-dir: folder not found: /nonexistent-folder", ["lr-find", "--data", "moons", "--data-dir", "/nonexistent-folder"] },
        { "--weight-decay: must be a finite number of at least 0; got -1", ["lr-find", "--data", "moons", "--weight-decay", "-1"] },
        { "--dropout: must be at least 0 and below 1; got 1", ["lr-find", "--data", "moons", "--dropout", "1"] },
        { "--val-split: must be between 0 and 1 (exclusive); got 0", ["lr-find", "--data", "moons", "--val-split", "0"] },
        { "--seed: must be 0 or more; got -1", ["lr-find", "--data", "moons", "--seed", "-1"] },
        { "--threads: must be at least 1; got 0", ["lr-find", "--data", "moons", "--threads", "0"] },
        { "is a file; give a folder", ["lr-find", "--data", "moons", "--plots", AFile.Value] },
    };

    [GeneratedRegex(@"^\s+(?:-\S+, )*(--[a-z][a-z0-9-]*)(\s+<[^>]+>)?", RegexOptions.Multiline)]
    private static partial Regex FlagLine();

    [GeneratedRegex(@"^Commands:\s*\n((?:\s+\S.*\n?)+)", RegexOptions.Multiline)]
    private static partial Regex CommandsSection();

    private static string Help(string[] command)
    {
        var run = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(0, run.ExitCode);
        return run.Stdout.Replace("\r\n", "\n");
    }

    /// <summary>Every command path, found from the help (root and nested commands).</summary>
    private static List<string[]> Commands()
    {
        var found = new List<string[]>();
        var pending = new Queue<string[]>([[]]);
        while (pending.Count > 0)
        {
            var path = pending.Dequeue();
            if (path.Length > 0) found.Add(path);
            var m = CommandsSection().Match(Help(path));
            if (!m.Success) continue;
            foreach (var line in m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                pending.Enqueue([.. path, line.Trim().Split(' ')[0]]);
        }
        return found;
    }

    private static IEnumerable<string> ValueFlags(string[] command) =>
        FlagLine().Matches(Help(command)).Where(m => m.Groups[2].Success).Select(m => m.Groups[1].Value).Distinct();

    [Fact]
    public void EveryValueFlagOfEveryCommandHasABadValueCase()
    {
        var cases = BadFlagTests.Cases().Concat(Extra()).Concat(LmCommandTests.BadFlags()).Select(c => (string[])c[1]).ToList();
        var commands = Commands();
        Assert.Contains(commands, c => c.SequenceEqual(["train"]));
        var missing = new List<string>();
        foreach (var command in commands)
        {
            var mine = cases.Where(a => a.Length >= command.Length && a.Take(command.Length).SequenceEqual(command)
                && !(command.Length == 1 && a.Length > 1 && commands.Any(c => c.Length == 2 && c[0] == command[0] && c[1] == a[1]))).ToList();
            foreach (var flag in ValueFlags(command))
                if (!mine.Any(a => a.Contains(flag))) missing.Add($"{string.Join(' ', command)} {flag}");
        }
        Assert.True(missing.Count == 0, "flags without a bad-value case: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Extra))]
    public void BadValueExits2WithOneLine(string expected, string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.True(run.ExitCode == CliErrors.UsageError, $"exit {run.ExitCode} for {string.Join(' ', args)}: {run.Stderr}");
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"descent {args[0]}: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
    }
}
