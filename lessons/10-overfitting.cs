#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 10, overfitting and its cures: a network with far more weights than there are points can learn the
// points' noise by heart. Its training loss keeps falling while its loss on new points from the same curve, the
// validation loss, turns up: it fits the sample, not the curve.
// Run it from the repository root with `dotnet run lessons/10-overfitting.cs [figures-folder]`.
//
// OverfitStory.Run (what `descent demo overfit` prints) trains one MLP of two hidden layers of 128 (nearly 17,000
// weights) on 20 noisy points of sin x four times from the same weights: with no cure, with weight decay (AdamW
// pulls every weight towards zero), with dropout (random units switched off in each step, so none can be relied on
// alone) and with early stopping (keep the weights of the best validation epoch, and stop once it has not improved
// for a while).

using System.Globalization;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var result = OverfitStory.Run(new OverfitSettings());

Console.WriteLine($"No model can beat the noise on average: the true curve scores {F(result.NoiseFloor)} on the validation points.");
Console.WriteLine("cure              train loss  validation loss     gap   best epoch");
foreach (var run in result.Runs)
    Console.WriteLine($"{run.Name,-16} {F(run.FinalTrainLoss),11} {F(run.FinalValidLoss),16} {F(run.Gap),7} {run.BestEpoch,12}" +
                      (run.StoppedEpoch > 0 ? $"  (stopped at epoch {run.StoppedEpoch})" : ""));
Console.WriteLine("Without a cure the training loss is far below the validation loss: the gap is what was learned by heart.");
// Round-trip digits, so that a test can check these against the library's own numbers.
foreach (var run in result.Runs) Console.WriteLine($"gap {run.Name} = {run.Gap.ToString("R", CultureInfo.InvariantCulture)}");

// Log scales: the first epochs' losses are a hundred times the last ones', and the turn would vanish on a linear axis.
static Series Curve(string name, double[] losses) => new(name, losses, [.. Enumerable.Range(1, losses.Length).Select(e => (double)e)]);
var none = result.Baseline;
StoryFigures.LossComparison([Curve("training loss", none.TrainLoss), Curve("validation loss", none.ValidLoss)],
    "Without a cure: the training loss keeps falling, the validation loss turns up").SavePng(Path.Combine(figures, "overfitting.png"));
StoryFigures.LossComparison([.. result.Runs.Select(r => Curve(r.Name, r.ValidLoss))], "Validation loss per epoch under each cure")
    .SavePng(Path.Combine(figures, "cures.png"));
Console.WriteLine($"figures: overfitting.png, cures.png in {figures}");

static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
