#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 07, cyclical learning rates: the best rate changes during training. Early on a high rate crosses the
// landscape quickly; near the end a low one settles into the bottom. A schedule sets each step's rate:
// PyTorch's CyclicLR goes up and down between two rates, and fastai's one-cycle warms up once to a peak and
// then anneals to almost nothing, so it can afford a peak that would be too high as a constant.
// Run it from the repository root with `dotnet run lessons/07-cyclical-learning-rates.cs [figures-folder]`.
//
// Lesson 06's network and data, Adam from the same weights; ScheduleStory.Run trains them, as `descent demo` does.

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var runs = ScheduleStory.Run(new NetworkSettings());

foreach (var run in runs)
{
    Console.WriteLine($"{run.Name,-10} {run.Details}");
    Console.WriteLine($"           rate from {G(run.Lrs[0])} up to {G(run.Lrs.Max())}, last {G(run.Lrs[^1])}; loss {F(run.InitialLoss)} → {F(run.FinalLoss)}");
}
// Round-trip digits, so that a test can check these against the library's own numbers.
foreach (var run in runs) Console.WriteLine($"final loss {run.Name} = {run.FinalLoss.ToString("R", CultureInfo.InvariantCulture)}");

static double[] Doubles(IEnumerable<double> values) => [.. values];
StoryFigures.ScheduleComparison([.. runs.Select(r => new Series(r.Name, Doubles(r.Lrs)))], "Learning rate per step under each schedule")
    .SavePng(Path.Combine(figures, "schedule-lrs.png"));
StoryFigures.LossComparison([.. runs.Select(r => new Series($"{r.Name} ({r.Details})", Doubles(r.Losses.Select(v => (double)v))))], "Adam's loss under each schedule")
    .SavePng(Path.Combine(figures, "schedule-losses.png"));
Console.WriteLine($"figures: schedule-lrs.png, schedule-losses.png in {figures}");

static string F(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
static string G(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
