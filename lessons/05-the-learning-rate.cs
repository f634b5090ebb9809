#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 05, the learning rate: how far to step against the gradient. Too small and the descent crawls; too
// large and each step overshoots the valley's floor by more than it started, so the loss grows without end.
// Run it from the repository root with `dotnet run lessons/05-the-learning-rate.cs [figures-folder]`.
//
// The same descent as lesson 04, from the same start, at three rates. The outcome of each is judged from its
// losses (LineDescent.Judge), never from the rate, and lesson 03's curvature predicts where the border lies.

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var result = LinearRegressionStory.Run(new LineSettings());
var paths = LinePaths.Of(result);

Console.WriteLine($"The largest stable rate for this data is 2 / λmax = {result.Theory.MaxStableLearningRate:0.000}.");
foreach (var run in result.LearningRates)
    Console.WriteLine($"lr = {run.LearningRate.ToString(CultureInfo.InvariantCulture),-5} {run.OutcomeText,-24} loss {F(run.InitialLoss)} → {F(run.FinalLoss)} after {run.Steps} steps" +
                      (run.StoppedEarly ? " (stopped: the loss passed a million times its start)" : ""));
Console.WriteLine("Below the border a larger rate is faster; past it, no number of steps helps.");

var w = LandscapeWindow.Of(result);
var surface = LossSurface.Mse(paths.X, paths.Y, w.AMin, w.AMax, w.BMin, w.BMax, LandscapeWindow.GridSteps);
string Name(LinePath p) => $"lr = {p.LearningRate.ToString(CultureInfo.InvariantCulture)}";
TutorialFigures.LearningRatePaths(surface, [.. paths.Rates.Select(p => new ParamPath(Name(p), p.A, p.B))])
    .SavePng(Path.Combine(figures, "learning-rate-paths.png"));
TutorialFigures.LearningRateLosses([.. paths.Rates.Select(p => new Series(Name(p), p.Losses))])
    .SavePng(Path.Combine(figures, "learning-rate-losses.png"));
Console.WriteLine($"figures: learning-rate-paths.png, learning-rate-losses.png in {figures}");

static string F(float value) => value.ToString(value < 1e4 ? "0.0000" : "0.00e+0", CultureInfo.InvariantCulture);
