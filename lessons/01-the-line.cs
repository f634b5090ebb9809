#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj

// Lesson 01, the line: fit y ≈ a·x + b to 50 noisy points around y = 3x + 8 by gradient descent.
// Run it from the repository root with `dotnet run lessons/01-the-line.cs`.
//
// The chapter's computation lives in src/Descent.Tutorial (LinearRegressionStory, LineDescent), where
// `descent demo` reads the same numbers: the lesson only tells them, so the two can never disagree.
// Read LineDescent.Run for the loop itself: the loss (a·x + b − y)² averaged, Backward(), and a step of
// a and b against their gradients.

using System.Globalization;
using Descent.Tutorial;

var settings = new LineSettings();   // seed 0, 50 points, 300 steps at lr 0.5
var result = LinearRegressionStory.Run(settings);
var theory = result.Theory;

Console.WriteLine($"{settings.Points} points: x ~ U(0, 1), y = {LineSettings.Slope}x + {LineSettings.Intercept} + {LineSettings.Noise}·N(0, 1)");
Console.WriteLine($"A guess is judged by its mean squared error: a = 0, b = 0 scores {F(result.LossAt00)}.");
Console.WriteLine();
Console.WriteLine($"Gradient descent, lr = {F(settings.LearningRate)}, from the random start a = {F(result.StartA)}, b = {F(result.StartB)}:");
Console.WriteLine("    step          a          b          loss");
foreach (var p in result.Main.Trajectory)
    Console.WriteLine($"  {p.Step,6}  {F(p.A),9}  {F(p.B),9}  {F(p.Loss),12}");
Console.WriteLine();
Console.WriteLine($"The least-squares line (closed form) is a = {theory.LeastSquaresA:0.0000}, b = {theory.LeastSquaresB:0.0000}; " +
                  $"descent {result.Main.OutcomeText}.");
// Round-trip digits, so that a test can check these against the library's own numbers.
Console.WriteLine($"final a = {result.Main.A.ToString("R", CultureInfo.InvariantCulture)}");
Console.WriteLine($"final b = {result.Main.B.ToString("R", CultureInfo.InvariantCulture)}");

static string F(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
