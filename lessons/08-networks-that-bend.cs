#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 08, networks that bend: a line can only ever be a line, however well it is trained. Stack linear
// layers with a non-linear function between them (here Tanh) and the stack can bend to follow the data; without
// the non-linearity the stack would collapse into one linear layer again.
// Run it from the repository root with `dotnet run lessons/08-networks-that-bend.cs [figures-folder]`.
//
// A line and an MLP, trained alike (Adam, full batch) on sin x plus noise by NetworkStory.Run, the call
// `descent demo` makes; SinFits trains the same two again to draw their predictions.

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var settings = new NetworkSettings();
var fit = NetworkStory.Run(settings);

Console.WriteLine($"{settings.Points} points of sin x + N(0, {settings.Noise}²) over [−π, π], {settings.Steps} steps of {fit.Mlp.Details} each:");
Console.WriteLine($"  line: {fit.LineParameters} parameters, loss {F(fit.Line.FinalLoss)} (the best any line can do: {F(fit.BestLineLoss)})");
Console.WriteLine($"  MLP:  {fit.MlpParameters} parameters ({fit.MlpLayers}), loss {F(fit.Mlp.FinalLoss)}");
Console.WriteLine($"The line's loss is {fit.LineOverMlp:0.0} times the MLP's. For scale: predicting the mean scores {F(fit.TargetVariance)},");
Console.WriteLine($"and the noise itself, mean((y − sin x)²), is {F(fit.NoiseFloor)}: a model that follows sin x scores about that.");
Console.WriteLine("The MLP is down at the noise; going below it means starting to learn the noise by heart (lesson 10).");
// Round-trip digits, so that a test can check these against the library's own numbers.
Console.WriteLine($"final loss line = {fit.Line.FinalLoss.ToString("R", CultureInfo.InvariantCulture)}");
Console.WriteLine($"final loss MLP = {fit.Mlp.FinalLoss.ToString("R", CultureInfo.InvariantCulture)}");

var curves = SinFits.Of(settings);
StoryFigures.FitComparison(curves.X, curves.Y,
[
    new Series($"line, loss {F(curves.LineLoss)}", curves.Line, curves.Grid),
    new Series($"MLP, loss {F(curves.MlpLoss)}", curves.Mlp, curves.Grid),
], "A line cannot bend; an MLP can").SavePng(Path.Combine(figures, "line-vs-mlp.png"));
Console.WriteLine($"figures: line-vs-mlp.png in {figures}");

static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
