using System.Diagnostics;
using System.Globalization;
using Descent.Tutorial;
using Xunit.Abstractions;

namespace Descent.Tests.Tutorial;

/// <summary>
/// The lessons are .NET file-based apps: run each as a user would and check it tells the library's numbers (printed
/// with round-trip digits) and writes its figures. One class, so the lessons run one after another: each
/// `dotnet run` builds the referenced projects, and two builds of one project at once would fight over its files.
/// Each lesson's wall time is written to the test output (with the load average), so CI logs show it stays under a minute.
/// </summary>
public class LessonTests(ITestOutputHelper log)
{
    private static readonly object TimesLock = new();

    [Fact]
    public void Lesson_01_prints_the_falling_loss_and_the_library_s_final_a_and_b()
    {
        var output = RunLesson("lessons/01-the-line.cs").Output;
        var expected = LinearRegressionStory.Run(new LineSettings()).Main;
        Assert.Equal(expected.A, Float(output, "final a = "));
        Assert.Equal(expected.B, Float(output, "final b = "));
        // The trajectory's rows, as printed: the loss falls from the start to the end.
        var losses = output.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 4 && int.TryParse(f[0], out _))
            .Select(f => double.Parse(f[3], CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(losses.Count >= 3, output);
        Assert.True(losses[^1] < losses[0] / 100, output);
    }

    [Fact]
    public void Lesson_02_finds_the_library_s_best_a_equals_b_and_draws_the_guesses()
    {
        var (output, figures) = RunLesson("lessons/02-the-loss.cs");
        var expected = LinearRegressionStory.Run(new LineSettings());
        Assert.Equal(expected.BestAEqualsB, Float(output, "best c = "));
        Assert.Contains($"calculus puts it at c = {expected.Theory.BestAEqualsB.ToString("0.0000", CultureInfo.InvariantCulture)}", output);
        AssertFigures(figures, "guesses.png", "loss-along-a-equals-b.png");
    }

    [Fact]
    public void Lesson_03_prints_the_least_squares_bottom_and_draws_the_landscape()
    {
        var (output, figures) = RunLesson("lessons/03-the-loss-landscape.cs");
        var theory = LinearRegressionStory.Run(new LineSettings()).Theory;
        Assert.Equal(theory.LeastSquaresA, Double(output, "least squares a = "));
        Assert.Equal(theory.LeastSquaresB, Double(output, "least squares b = "));
        Assert.Contains($"= {theory.MaxStableLearningRate.ToString("0.000", CultureInfo.InvariantCulture)} overshoots", output);
        AssertFigures(figures, "landscape.png");
    }

    [Fact]
    public void Lesson_04_takes_the_library_s_first_step_by_hand()
    {
        var (output, figures) = RunLesson("lessons/04-gradient-descent-by-hand.cs");
        var result = LinearRegressionStory.Run(new LineSettings());
        float libraryFirstStep = LinePaths.Of(result).Main.Steps[1].A;
        Assert.Equal(libraryFirstStep, Float(output, "by hand a1 = "));
        Assert.Equal(libraryFirstStep, Float(output, "library a1 = "));
        // Autograd's gradient and the calculus' agree to the printed digits.
        var lines = output.Split('\n');
        string Gradients(string who) => lines.Single(l => l.StartsWith(who + ": ", StringComparison.Ordinal))[(who.Length + 2)..];
        Assert.Equal(Gradients("autograd"), Gradients("calculus"));
        AssertFigures(figures, "descent-path.png", "data-and-fit.png");
    }

    [Fact]
    public void Lesson_05_tells_each_learning_rate_s_outcome()
    {
        var (output, figures) = RunLesson("lessons/05-the-learning-rate.cs");
        foreach (var run in LinearRegressionStory.Run(new LineSettings()).LearningRates)
            Assert.Contains(output.Split('\n'), l => l.StartsWith($"lr = {run.LearningRate.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal)
                && l.Contains(run.OutcomeText, StringComparison.Ordinal));
        Assert.Contains("oscillates and diverges", output);
        AssertFigures(figures, "learning-rate-paths.png", "learning-rate-losses.png");
    }

    [Fact]
    public void Lesson_06_prints_each_optimizer_s_final_loss()
    {
        var (output, figures) = RunLesson("lessons/06-faster-optimizers.cs");
        var runs = OptimizerStory.Run(new NetworkSettings());
        Assert.Equal(4, runs.Count);
        foreach (var run in runs) Assert.Equal(run.FinalLoss, Float(output, $"final loss {run.Name} = "));
        AssertFigures(figures, "optimizers.png");
    }

    [Fact]
    public void Lesson_07_prints_each_schedule_s_final_loss()
    {
        var (output, figures) = RunLesson("lessons/07-cyclical-learning-rates.cs");
        var runs = ScheduleStory.Run(new NetworkSettings());
        Assert.Equal(3, runs.Count);
        foreach (var run in runs) Assert.Equal(run.FinalLoss, Float(output, $"final loss {run.Name} = "));
        AssertFigures(figures, "schedule-lrs.png", "schedule-losses.png");
    }

    [Fact]
    public void Lesson_08_shows_the_mlp_bending_below_the_line()
    {
        var (output, figures) = RunLesson("lessons/08-networks-that-bend.cs");
        var fit = NetworkStory.Run(new NetworkSettings());
        Assert.Equal(fit.Line.FinalLoss, Float(output, "final loss line = "));
        Assert.Equal(fit.Mlp.FinalLoss, Float(output, "final loss MLP = "));
        AssertFigures(figures, "line-vs-mlp.png");
    }

    [Fact]
    public void Lesson_09_trains_the_library_s_conv_net_on_the_digits_and_draws_its_filters()
    {
        string digits = TestData.MnistDigits;
        var (output, figures) = RunLesson("lessons/09-convolutions.cs", Path.GetDirectoryName(digits));
        var conv = ConvStory.Run(digits, new ConvSettings());
        Assert.Equal(conv.TestAccuracy, Double(output, "test accuracy = "));
        AssertFigures(figures, "conv-filters.png", "conv-activations.png", "conv-predictions.png", "conv-loss.png");
    }

    [Fact]
    public void Lesson_10_prints_each_cure_s_gap()
    {
        var (output, figures) = RunLesson("lessons/10-overfitting.cs");
        var result = OverfitStory.Run(new OverfitSettings());
        foreach (var run in result.Runs) Assert.Equal(run.Gap, Double(output, $"gap {run.Name} = "));
        AssertFigures(figures, "overfitting.png", "cures.png");
    }

    [Fact]
    public void Lesson_11_trains_the_library_s_gpt_on_moby_dick_and_draws_its_loss_and_attention()
    {
        string text = TestData.MobyDick;
        var (output, figures) = RunLesson("lessons/11-a-tiny-gpt.cs", Path.GetDirectoryName(text));
        var gpt = GptStory.Run(text, GptSettings.Lesson());
        Assert.Equal(gpt.Last.ValidLoss, Double(output, "final validation loss = "));
        Assert.Contains(gpt.Final.Text.Replace("\n", " / "), output);
        AssertFigures(figures, "gpt-loss.png", "gpt-attention.png");
    }

    private static string Value(string output, string prefix) =>
        output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    private static float Float(string output, string prefix) => float.Parse(Value(output, prefix), CultureInfo.InvariantCulture);

    private static double Double(string output, string prefix) => double.Parse(Value(output, prefix), CultureInfo.InvariantCulture);

    // The 1-minute load average on Linux, where CI runs; a time means little without it on a shared machine.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static void AssertFigures(string folder, params string[] names)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            Assert.True(File.Exists(path), $"the lesson did not write {path}");
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 1000 && bytes.AsSpan(0, 4).SequenceEqual(signature), $"{path} is not a PNG ({bytes.Length} bytes)");
        }
    }

    /// <summary>Runs <c>dotnet run lesson figures</c> from the repository root; a data folder, when given, goes in DESCENT_DATA.</summary>
    private (string Output, string Figures) RunLesson(string lesson, string? dataFolder = null)
    {
        var root = TestData.RepoRoot;
        var figures = Directory.CreateTempSubdirectory("descent-lesson-").FullName;
        var start = new ProcessStartInfo("dotnet", ["run", lesson, figures])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (dataFolder != null) start.Environment["DESCENT_DATA"] = dataFolder;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet run {lesson} did not finish in 5 minutes");
        }
        string timing = string.Create(CultureInfo.InvariantCulture, $"{lesson}: {clock.Elapsed.TotalSeconds:F1} s (dotnet run, build included when stale; load average {LoadAverage()})");
        log.WriteLine(timing);
        // xunit shows test output only with a detailed logger; CI names a file instead and prints it after the run.
        if (Environment.GetEnvironmentVariable("DESCENT_LESSON_TIMES") is { Length: > 0 } times)
            lock (TimesLock) File.AppendAllText(times, timing + Environment.NewLine);
        Assert.True(process.ExitCode == 0, $"dotnet run {lesson} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return (stdout.Replace("\r\n", "\n"), figures);
    }
}
