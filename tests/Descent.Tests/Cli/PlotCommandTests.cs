using Descent.Training;
using System.Text.Json;
using Descent.Cli.Train;
using Descent.Optim.Schedules;

namespace Descent.Tests.Cli;

/// <summary>`descent plot-schedule` and `descent train --plots` write real images.</summary>
public sealed class PlotCommandTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertImages(string folder, string name)
    {
        var png = File.ReadAllBytes(Path.Combine(folder, name + ".png"));
        Assert.True(png.Length > 2000, $"{name}.png has only {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, name + ".svg")));
    }

    [Theory]
    [InlineData("onecycle", true)]
    [InlineData("cyclic", true)]
    [InlineData("cosine", false)]
    [InlineData("step", false)]
    public void Plot_schedule_draws_the_schedule_it_describes(string name, bool cyclesMomentum)
    {
        var run = CliRunner.Run("plot-schedule", "--schedule", name, "--steps", "200", "--lr", "0.1", "--out", _dir.Path, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        AssertImages(_dir.Path, "schedule-" + name);
        var json = run.Json();
        // The CLI reads --lr as a float.
        var schedule = ScheduleChoice.Create(name, 200, 0.1f, cycleMomentum: true);
        var rates = schedule.Sample(201, 0.1f);
        Assert.Equal(rates.Max(), json.GetProperty("max_lr").GetDouble(), 12);
        Assert.Equal(rates[^1], json.GetProperty("last_lr").GetDouble(), 12);
        Assert.Equal(cyclesMomentum, json.GetProperty("cycles_momentum").GetBoolean());
        Assert.True(rates.Max() <= 0.1f);
    }

    [Fact]
    public void Onecycle_peaks_a_quarter_of_the_way_in()
    {
        var json = CliRunner.Run("plot-schedule", "--schedule", "onecycle", "--steps", "400", "--lr", "0.01", "--out", _dir.Path, "--json").Json();
        Assert.Equal(100, json.GetProperty("max_lr_step").GetInt32());
        Assert.Equal(0.01, json.GetProperty("max_lr").GetDouble(), 9);
        Assert.Equal(0.01 / 25, json.GetProperty("first_lr").GetDouble(), 9);
        Assert.IsType<OneCycle>(ScheduleChoice.Create("onecycle", 400, 0.01, true));
    }

    [Fact]
    public void Plot_schedule_over_billions_of_steps_samples_what_the_figure_shows()
    {
        // Used to fill a 5e9-element array (and an int --steps could not even say it).
        const long steps = 5_000_000_000;
        var run = CliRunner.Run("plot-schedule", "--schedule", "onecycle", "--steps", "5000000000", "--lr", "0.01", "--out", _dir.Path, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertImages(_dir.Path, "schedule-onecycle");
        var json = run.Json();
        Assert.Equal(steps, json.GetProperty("steps").GetInt64());
        var schedule = ScheduleChoice.Create("onecycle", steps, 0.01f, cycleMomentum: true);
        Assert.Equal(schedule.Lr(steps, 0.01f), json.GetProperty("last_lr").GetDouble(), 12);
        // The peak is found among the sampled steps, one sample spacing from the true one at a quarter of the run.
        Assert.InRange(json.GetProperty("max_lr_step").GetInt64(), steps / 4 - steps / 1599, steps / 4 + steps / 1599);
        Assert.Contains($"(step {steps})", run.Stdout);
    }

    [Fact]
    public void Train_plots_writes_curves_schedule_and_confusion_for_a_classifier()
    {
        var run = CliRunner.Run("train", "--data", "moons", "--epochs", "3", "--early-stop", "5", "--plots", _dir.Path, "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["curves", "schedule", "confusion"], run.Json().GetProperty("figures").EnumerateArray().Select(f => f.GetString()));
        foreach (var name in new[] { "curves", "schedule", "confusion" }) AssertImages(_dir.Path, name);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "digits.png")));
    }

    [Fact]
    public void Train_plots_for_a_cnn_on_digits_adds_samples_filters_and_activations()
    {
        // The folder of the digits tarball itself: without ../shared/data the tests fetch each package
        // into a cache when first asked, so the iris folder need not hold the digits yet.
        var digitsDir = Path.GetDirectoryName(TestData.MnistDigits)!;
        var run = CliRunner.Run("train", "--data", "mnist", "--data-dir", digitsDir, "--model", "cnn:4,8", "--epochs", "2",
            "--batch-size", "16", "--lr", "0.01", "--augment", "1", "--plots", _dir.Path, "--json");
        Assert.Equal(0, run.ExitCode);
        var json = run.Json();
        Assert.Equal(7000, json.GetProperty("train_examples").GetInt32());
        Assert.Equal(2000, json.GetProperty("test_examples").GetInt32());
        Assert.Equal(1, json.GetProperty("augment").GetInt32());
        // Two epochs on 7,000 digits with a tiny cnn: far from trained, far above chance (seen 0.905 on 1,000).
        Assert.True(json.GetProperty("valid_accuracy").GetDouble() > 0.8, $"accuracy {json.GetProperty("valid_accuracy").GetDouble()}");
        string[] expected = ["curves", "schedule", "confusion", "digits", "filters", "activations"];
        Assert.Equal(expected, json.GetProperty("figures").EnumerateArray().Select(f => f.GetString()));
        foreach (var name in expected) AssertImages(_dir.Path, name);
    }

    [Fact]
    public void Regression_plots_have_no_confusion_matrix()
    {
        var json = CliRunner.Run("train", "--data", "sin", "--epochs", "2", "--plots", _dir.Path, "--json").Json();
        Assert.Equal(["curves", "schedule"], json.GetProperty("figures").EnumerateArray().Select(f => f.GetString()));
    }
}
