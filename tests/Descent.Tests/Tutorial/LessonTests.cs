using System.Diagnostics;
using System.Globalization;
using Descent.Tutorial;

namespace Descent.Tests.Tutorial;

/// <summary>The lessons are .NET file-based apps: run one as a user would and check it tells the library's numbers.</summary>
public class LessonTests
{
    [Fact]
    public void Lesson_01_prints_the_falling_loss_and_the_library_s_final_a_and_b()
    {
        var output = RunLesson("lessons/01-the-line.cs");
        var expected = LinearRegressionStory.Run(new LineSettings()).Main;
        Assert.Equal(expected.A, Final(output, "a"));
        Assert.Equal(expected.B, Final(output, "b"));
        // The trajectory's rows, as printed: the loss falls from the start to the end.
        var losses = output.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 4 && int.TryParse(f[0], out _))
            .Select(f => double.Parse(f[3], CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(losses.Count >= 3, output);
        Assert.True(losses[^1] < losses[0] / 100, output);
    }

    private static float Final(string output, string name)
    {
        string prefix = $"final {name} = ";
        var line = output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return float.Parse(line[prefix.Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static string RunLesson(string lesson)
    {
        var root = TestData.RepoRoot;
        var start = new ProcessStartInfo("dotnet", ["run", lesson])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet run {lesson} did not finish in 5 minutes");
        }
        Assert.True(process.ExitCode == 0, $"dotnet run {lesson} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout.Replace("\r\n", "\n");
    }
}
