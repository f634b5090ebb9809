#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 02, the loss: before any learning, a model needs a score that says how wrong a guess is.
// Run it from the repository root with `dotnet run lessons/02-the-loss.cs [figures-folder]`.
//
// The score here is the mean squared error, mean((a·x + b − y)²), of the line a·x + b on lesson 01's points.
// We score two guesses, then every line with a = b, and find the best of those by looking at all of them:
// the slow way, which the next lessons replace by following the slope of the loss.
// The numbers come from LinearRegressionStory.Run, the same call `descent demo` makes.

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var result = LinearRegressionStory.Run(new LineSettings());
var theory = result.Theory;
var paths = LinePaths.Of(result);   // the points themselves, as doubles, for the figures

// A guess far below the points is far off: with a = b = 0 every error is the whole y, about 8 to 11.
Console.WriteLine($"MSE of a = 0, b = 0: {F(result.LossAt00)} (a fresh draw of the data would average {F(theory.ExpectedLossAt00)})");
Console.WriteLine($"MSE of a = 1, b = 1: {F(result.LossAt11)} (on average {F(theory.ExpectedLossAt11)})");

// Every line with a = b = c, for c from 0 to 12 in steps of 0.01, scored in one broadcast tensor expression.
Console.WriteLine($"Scoring {result.Sweep.Count} lines a = b = c for c in [0, {LinearRegressionStory.SweepMax}]:");
foreach (var p in result.Sweep.Where((_, i) => i % 200 == 0))
    Console.WriteLine($"  c = {p.C,5:0.00}   MSE {F(p.Loss),9}");
Console.WriteLine($"The best of the grid is c = {result.BestAEqualsB:0.00} with MSE {F(result.BestAEqualsBLoss)};");
Console.WriteLine($"calculus puts it at c = {theory.BestAEqualsB:0.0000}, where the parabola's slope is zero.");
Console.WriteLine("But a = b is a guess about the answer too: the next lesson looks at every (a, b) at once.");
// Round-trip digits, so that a test can check these against the library's own numbers.
Console.WriteLine($"best c = {result.BestAEqualsB.ToString("R", CultureInfo.InvariantCulture)}");

TutorialFigures.Guesses(paths.X, paths.Y, new LineParams(0, 0), new LineParams(1, 1)).SavePng(Path.Combine(figures, "guesses.png"));
TutorialFigures.LossAlongDiagonal(paths.X, paths.Y, 0, LinearRegressionStory.SweepMax).SavePng(Path.Combine(figures, "loss-along-a-equals-b.png"));
Console.WriteLine($"figures: guesses.png, loss-along-a-equals-b.png in {figures}");

static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
