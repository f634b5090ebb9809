#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 03, the loss landscape: the loss is a function of two numbers, a and b, so it is a surface over the
// (a, b) plane, and the best line sits at its lowest point.
// Run it from the repository root with `dotnet run lessons/03-the-loss-landscape.cs [figures-folder]`.
//
// For a line and the squared error the bottom has a formula (least squares), which lets us check the learning
// methods of the next lessons. The shape of the bowl matters as much as its bottom: its curvature, the Hessian's
// eigenvalues, says how steep the walls are in the steepest and the flattest direction, and so how large a
// step gradient descent may take. LineTheory computes all of it; `descent demo` prints the same numbers.

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var result = LinearRegressionStory.Run(new LineSettings());
var theory = result.Theory;
var paths = LinePaths.Of(result);

Console.WriteLine($"The bottom of the bowl (least squares): a = {theory.LeastSquaresA:0.0000}, b = {theory.LeastSquaresB:0.0000}, " +
                  $"MSE {theory.LeastSquaresLoss:0.0000}");
Console.WriteLine($"  (the data was drawn around a = {LineSettings.Slope}, b = {LineSettings.Intercept} with noise {LineSettings.Noise}: " +
                  $"noise² = {LineSettings.Noise * LineSettings.Noise:0.00} is what even the true line scores on average)");
Console.WriteLine($"Curvature: the steepest direction bends {theory.HessianMaxEigenvalue:0.000}, the flattest {theory.HessianMinEigenvalue:0.000}, " +
                  $"{theory.HessianMaxEigenvalue / theory.HessianMinEigenvalue:0.0} times less:");
Console.WriteLine("  the bowl is a long, narrow valley, which is why gradient descent first drops into it and then crawls along it.");
Console.WriteLine($"A step larger than 2 / {theory.HessianMaxEigenvalue:0.000} = {theory.MaxStableLearningRate:0.000} overshoots the steep walls a little more each time.");
// Round-trip digits, so that a test can check these against the library's own numbers.
Console.WriteLine($"least squares a = {theory.LeastSquaresA.ToString("R", CultureInfo.InvariantCulture)}");
Console.WriteLine($"least squares b = {theory.LeastSquaresB.ToString("R", CultureInfo.InvariantCulture)}");

// The view the demo draws: the start of lesson 04's descent and the bottom, with a margin around both.
var w = LandscapeWindow.Of(result);
var surface = LossSurface.Mse(paths.X, paths.Y, w.AMin, w.AMax, w.BMin, w.BMax, LandscapeWindow.GridSteps);
TutorialFigures.Landscape(surface, title: "The loss over (a, b): a long, narrow valley").SavePng(Path.Combine(figures, "landscape.png"));
Console.WriteLine($"figures: landscape.png in {figures}");
