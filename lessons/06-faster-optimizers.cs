#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 06, faster optimizers: plain gradient descent forgets everything between steps. Momentum keeps a
// running direction, so it speeds along a valley instead of bouncing between its walls; RMSprop divides each
// parameter's step by the recent size of its gradients, so flat and steep directions move alike; Adam does both.
// Run it from the repository root with `dotnet run lessons/06-faster-optimizers.cs [figures-folder]`.
//
// The model is now a small network (lesson 08 says why) fitting sin x; every optimizer starts from the same
// weights and takes the same number of full-batch steps. OptimizerStory.Run trains them, as `descent demo` does.

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var settings = new NetworkSettings();
var runs = OptimizerStory.Run(settings);

Console.WriteLine($"An MLP with two hidden layers of {settings.Hidden}, {settings.Steps} steps on {settings.Points} points of sin x + noise:");
foreach (var run in runs)
    Console.WriteLine($"  {run.Name,-15} ({run.Details,-23}) loss {F(run.InitialLoss)} → {F(run.FinalLoss)}");
var best = runs.MinBy(r => r.FinalLoss)!;
Console.WriteLine($"{best.Name} ends lowest; plain SGD, at the same rate as momentum, is still on its way down.");
// Round-trip digits, so that a test can check these against the library's own numbers.
foreach (var run in runs) Console.WriteLine($"final loss {run.Name} = {run.FinalLoss.ToString("R", CultureInfo.InvariantCulture)}");

TrainingFigures.OptimizerComparison([.. runs.Select(r => new Series($"{r.Name} ({r.Details})", [.. r.Losses.Select(v => (double)v)]))])
    .SavePng(Path.Combine(figures, "optimizers.png"));
Console.WriteLine($"figures: optimizers.png in {figures}");

static string F(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
