using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using Descent.Tutorial;

namespace Descent.Tests.Packaging;

/// <summary>
/// The packages as a user meets them: <c>dotnet pack</c> into a folder, a new console app that adds the
/// <c>Descent</c> package from it and runs the README's tutorial loop and a short MNIST fit with <c>Learner</c>, and the
/// <c>descent</c> tool installed from it with <c>dotnet tool install</c>. Each run packs a version of its own, so
/// NuGet's caches never hand back an older build, and deletes it from the global packages folder afterwards.
/// </summary>
public class InstallTests
{
    // After the README's tutorial loop, a one-epoch fit of 600 digits with Learner: a user's first program.
    private const string MnistFit = """
        Generator.ManualSeed(0);
        var (train, valid) = Splits.TrainValidation(Mnist.LoadDigits(args[0]), 0.2, seed: 0);
        var model = new Sequential(new Linear(Mnist.Pixels, 64), new ReLU(), new Linear(64, 10));
        var learner = new Learner(model,
            new DataLoader(new Subset(train, Enumerable.Range(0, 600).ToArray()), batchSize: 32, shuffle: true, generator: new Generator(1)),
            new DataLoader(new Subset(valid, Enumerable.Range(0, 300).ToArray()), batchSize: 100),
            new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 3e-3), metrics: [new Accuracy()]);
        var history = learner.Fit(1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy = {history.Last!.Get("accuracy"):R}"));
        """;

    private static readonly string[] MnistUsings =
        ["using System.Globalization;", "using Descent;", "using Descent.Data;", "using Descent.Nn;", "using Descent.Optim;", "using Descent.Training;"];

    /// <summary>The README's tutorial loop, as a reader copies it, followed by the MNIST fit.</summary>
    private static string Program()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n## The tutorial's loop\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no \"## The tutorial's loop\" section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var loop = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)].Split('\n');
        static bool IsUsing(string l) => l.StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';') && !l.Contains('(');
        var usings = loop.Where(IsUsing).Concat(MnistUsings).Distinct();
        return string.Join('\n', usings.Concat(loop.Where(l => !IsUsing(l))).Append(MnistFit));
    }

    [Fact]
    public void A_console_app_uses_the_Descent_package_and_the_descent_tool_installs_and_runs()
    {
        if (OperatingSystem.IsWindows()) return;   // the tool's path below is Unix's; CI runs Linux
        using var work = new Cli.TempFolder();
        string packages = work.File("packages");
        string suffix = "install." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string version = VersionPrefix() + "-" + suffix;
        try
        {
            // The test binaries were just built; packing them as they are keeps this test to a minute or two.
            foreach (var project in new[] { "src/Descent/Descent.csproj", "src/Descent.Cli/Descent.Cli.csproj" })
            {
                // No git remote means no RepositoryUrl; that must stay silent rather than warn on every pack.
                string packed = Dotnet(TestData.RepoRoot, "pack", project, "-c", Configuration(), "--no-build", "-o", packages, $"-p:VersionSuffix={suffix}");
                Assert.DoesNotContain("warning", packed, StringComparison.OrdinalIgnoreCase);
            }
            Assert.True(File.Exists(Path.Combine(packages, $"Descent.{version}.nupkg")), string.Join(", ", Directory.GetFiles(packages)));
            Assert.True(File.Exists(Path.Combine(packages, $"Descent.{version}.snupkg")), "no symbols package");
            AssertDescribed(Path.Combine(packages, $"Descent.{version}.nupkg"), "Descent", "Deep learning in C#", docs: true);
            AssertDescribed(Path.Combine(packages, $"Descent.Cli.{version}.nupkg"), "Descent.Cli", "The `descent` command-line tool", docs: false);

            string app = work.File("app");
            Dotnet(work.Path, "new", "console", "-o", app, "--no-restore");
            Dotnet(app, "add", "package", "Descent", "--version", version, "--source", packages);
            File.WriteAllText(Path.Combine(app, "Program.cs"), Program());
            var output = Lines(Dotnet(app, "run", "--", TestData.MnistDigits));
            Assert.InRange(output["a"], 2.9, 3.1);   // the README's comment: near 3 and 8
            Assert.InRange(output["b"], 7.8, 8.2);
            Assert.InRange(output["accuracy"], 0.3, 1.0);   // chance is 0.1

            string tools = work.File("tools");
            Dotnet(work.Path, "tool", "install", "--tool-path", tools, "--add-source", packages, "Descent.Cli", "--version", version);
            string json = Run(Path.Combine(tools, "descent"), work.Path, "demo", "--no-plots", "--json").TrimEnd().Split('\n')[^1];
            using var doc = JsonDocument.Parse(json);
            var expected = LinearRegressionStory.Run(new LineSettings()).Main;
            Assert.Equal(expected.A, doc.RootElement.GetProperty("a").GetSingle());
            Assert.Equal(expected.B, doc.RootElement.GetProperty("b").GetSingle());
        }
        finally
        {
            // The global packages folder keeps every version restored; this one is never wanted again.
            string global = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } g ? g
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "descent", "descent.cli" })
            {
                string folder = Path.Combine(global, id, version);
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void The_README_s_package_line_names_the_version_being_built()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        Assert.Contains($"#:package Descent@{VersionPrefix()}\n", readme.ReplaceLineEndings("\n"));
    }

    // What a package page shows: description, licence, README, tags; the LICENSE text itself; and, for the library,
    // the XML docs an editor shows.
    private static void AssertDescribed(string nupkg, string id, string description, bool docs)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        Assert.Contains(zip.Entries, e => e.FullName == "LICENSE");
        if (docs) Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
        using (var license = new StreamReader(zip.GetEntry("LICENSE")!.Open()))
            Assert.Equal(File.ReadAllText(Path.Combine(TestData.RepoRoot, "LICENSE")), license.ReadToEnd());
        using var reader = new StreamReader(zip.GetEntry($"{id}.nuspec")!.Open());
        string nuspec = reader.ReadToEnd();
        foreach (var part in new[] { $"<description>{description}", "<license type=\"expression\">MIT</license>", "<readme>README.md</readme>",
            "<copyright>Copyright (c) 2026 The Descent authors</copyright>", "<tags>" })
            Assert.Contains(part, nuspec);
    }

    // The version written once, in Directory.Build.props, as the built assembly carries it.
    private static string VersionPrefix()
    {
        string informational = typeof(Tensor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        return informational.Split('+', '-')[0];
    }

    private static string Configuration() =>
        typeof(InstallTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    // "a = 3.012, b = 7.998" and "accuracy = 0.73" as name → value.
    private static Dictionary<string, double> Lines(string output) =>
        output.Split('\n').SelectMany(l => l.Split(", ")).Select(l => l.Split(" = ")).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => double.Parse(p[1], CultureInfo.InvariantCulture));

    private static string Dotnet(string directory, params string[] args) => Run(Cli.CliProcess.DotnetHost, directory, args);

    private static string Run(string file, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // The README's loop prints with the current culture; the invariant one keeps "3.012" parseable everywhere.
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        // The test host's MSBuild settings would leak into the child builds and point them at this repository's.
        foreach (var key in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH" })
            info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout.ReplaceLineEndings("\n");
    }
}
