using System.Diagnostics;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Descent.Tests.Cli.Report;

/// <summary>
/// Opens the report in headless Chromium (Debian's <c>chromium</c> package, which CI installs): it must render
/// with every image loaded. A missing browser fails the test, so CI cannot pass without running it.
/// </summary>
[Collection(ReportCollection.Name)]
public partial class ChromiumTests(ReportFixture fixture)
{
    private const int Width = 1280, Height = 4000;

    /// <summary>
    /// CI (CI=true, where .ci/run installs Chromium) must find the browser; a newcomer's machine without it
    /// passes these two tests after saying so, since `dotnet test` must work with only the .NET SDK.
    /// </summary>
    private static bool Available()
    {
        if (Chromium.TryFind() != null) return true;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Chromium.Find();
        Console.Error.WriteLine("ChromiumTests: headless Chromium not installed here (apt-get install chromium); browser checks not run.");
        return false;
    }

    [Fact]
    public void The_page_renders_in_headless_chromium_with_real_content()
    {
        if (!Available()) return;
        string shot = Path.Combine(fixture.Folder, "..", Path.GetFileName(fixture.Folder) + "-screenshot.png");
        try
        {
            Chromium.Run($"--screenshot={shot}", $"--window-size={Width},{Height}", new Uri(fixture.Report.Index).AbsoluteUri);
            Assert.True(File.Exists(shot), "Chromium wrote no screenshot");
            using var bitmap = SKBitmap.Decode(shot) ?? throw new Xunit.Sdk.XunitException("the screenshot does not decode");
            Assert.Equal((Width, Height), (bitmap.Width, bitmap.Height));
            var colors = new HashSet<int>();
            int ink = 0;
            for (int y = 0; y < Height; y += 3)
                for (int x = 0; x < Width; x += 3)
                {
                    var c = bitmap.GetPixel(x, y);
                    colors.Add((c.Red >> 4) << 8 | (c.Green >> 4) << 4 | c.Blue >> 4);
                    if (c.Red + c.Green + c.Blue < 200) ink++;
                }
            Assert.True(colors.Count > 200, $"the screenshot has only {colors.Count} colours: the figures did not render");
            Assert.True(ink > 2000, $"only {ink} dark samples: no text or plots drawn");
            // The inline stylesheet paints the header band dark blue-green; an unstyled page is white there.
            var header = bitmap.GetPixel(20, 20);
            Assert.True(header.Red < 80 && header.Blue > header.Red, $"header pixel {header}: the stylesheet was not applied");
        }
        finally
        {
            File.Delete(shot);
        }
    }

    [Fact]
    public void Every_image_loads_in_chromium_and_the_check_catches_a_broken_one()
    {
        if (!Available()) return;
        int images = fixture.Report.Figures.Count;
        Assert.Equal((images, 0), LoadImages(fixture.Html));
        // The same check on a copy with one link broken must see it, or it proves nothing.
        Assert.Equal((images, 1), LoadImages(fixture.Html.Replace("src=\"guesses.png\"", "src=\"missing.png\"", StringComparison.Ordinal)));
    }

    /// <summary>Loads <paramref name="html"/> beside the report's images and counts its images and those that did not load.</summary>
    private (int Images, int Broken) LoadImages(string html)
    {
        // The report itself has no script; a copy beside it gets one that puts the counts in the title once all has loaded.
        const string script = "<script>window.addEventListener('load', function () { var all = document.images, broken = 0; " +
            "for (var i = 0; i < all.length; i++) if (!all[i].complete || all[i].naturalWidth === 0) broken++; " +
            "document.title = 'images ' + all.length + ' broken ' + broken; });</script>";
        string page = Path.Combine(fixture.Folder, $"check-{Guid.NewGuid():N}.html");
        try
        {
            File.WriteAllText(page, html.Replace("</body>", script + "</body>", StringComparison.Ordinal));
            string dom = Chromium.Run("--virtual-time-budget=15000", "--dump-dom", new Uri(page).AbsoluteUri);
            var m = TitleCounts().Match(dom);
            Assert.True(m.Success, $"the page's load handler did not run; the DOM's title: {Regex.Match(dom, "<title>.*?</title>").Value}");
            return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
        }
        finally
        {
            File.Delete(page);
        }
    }

    [GeneratedRegex(@"<title>images (\d+) broken (\d+)</title>")]
    private static partial Regex TitleCounts();

    /// <summary>Finds and runs headless Chromium with a fresh profile.</summary>
    private static class Chromium
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

        public static string? TryFind()
        {
            if (File.Exists("/usr/bin/chromium")) return "/usr/bin/chromium";
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                foreach (var name in new[] { "chromium", "chromium-browser" })
                    if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
            return null;
        }

        public static string Find()
        {
            return TryFind() ??
            throw new Xunit.Sdk.XunitException("headless Chromium not found (looked for /usr/bin/chromium and chromium or chromium-browser on PATH); " +
                "install Debian's package: apt-get update && apt-get install -y chromium (.ci/run does this itself)");
        }

        /// <summary>Runs Chromium with the flags every run needs plus <paramref name="args"/>; returns its stdout.</summary>
        public static string Run(params string[] args)
        {
            string profile = Path.Combine(Path.GetTempPath(), "descent-chromium-" + Guid.NewGuid().ToString("N"));
            var start = new ProcessStartInfo(Find())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var flag in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}",
            }.Concat(args))
                start.ArgumentList.Add(flag);
            try
            {
                using var process = Process.Start(start) ?? throw new Xunit.Sdk.XunitException("Chromium did not start");
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(Timeout))
                {
                    process.Kill(entireProcessTree: true);
                    throw new Xunit.Sdk.XunitException($"Chromium did not finish within {Timeout.TotalSeconds} s");
                }
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {Tail(stderr.Result)}");
                return stdout.Result;
            }
            finally
            {
                if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
            }
        }

        private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
    }
}
