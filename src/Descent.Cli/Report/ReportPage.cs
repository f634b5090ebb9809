using Descent.Cli.Demo;
using static Descent.Cli.Report.Numbers;
using Descent.Tutorial;

namespace Descent.Cli.Report;

/// <summary>
/// The report's index.html: the tutorial's story told section by section, each with its figures, a short
/// explanation and its numbers taken from the results. One self-contained page: inline CSS, no scripts, images
/// by relative links, so it reads the same opened from disk.
/// </summary>
public static class ReportPage
{
    /// <summary>The page's title.</summary>
    public const string Title = "Descent: the tutorial's story, in pictures";

    /// <summary>
    /// Builds the page. <paramref name="figures"/> must hold every figure the sections show (see
    /// <see cref="DemoFigures"/>); <paramref name="conv"/> is null when the digits were missing, and
    /// <paramref name="convSkipped"/> then says why.
    /// </summary>
    public static string Build(LineResult r, SecondHalfResult s, ConvResult? conv, string? convSkipped,
        IReadOnlyList<ReportFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(figures);
        var page = new Page(figures);
        var h = page.Html;
        h.Raw("<!DOCTYPE html>\n");
        h.Open("html", ("xmlns", "http://www.w3.org/1999/xhtml"), ("lang", "en"));
        h.Open("head");
        h.Empty("meta", ("charset", "utf-8"));
        h.Empty("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1"));
        h.Text("title", Title);
        // CSS is raw text in HTML (an escaped ">" would break a selector) and holds no "<" or "&", so it is valid XML text as is.
        h.Markup("style", ReportStyle.Css);
        h.Close("head");
        h.Open("body");
        Header(h, r, s);
        Contents(h, conv != null);
        h.Open("main");
        h.Text("h2", "Part 1 · Fitting a line by gradient descent", ("class", "part"));
        Data(page, r);
        Guesses(page, r);
        Sweep(page, r);
        Descent(page, r);
        LearningRates(page, r);
        h.Text("h2", "Part 2 · Networks, faster optimizers, schedules", ("class", "part"));
        Network(page, s);
        Optimizers(page, s);
        Schedules(page, s);
        h.Text("h2", "Part 3 · What a convolution sees", ("class", "part"));
        Conv(page, conv, convSkipped);
        h.Close("main");
        h.Open("footer");
        h.Markup("p", $"Made by <code>descent demo --seed {r.Settings.Seed}</code> with Descent, a deep-learning library in C#. " +
            "Every number and figure comes from that run; each figure is also saved as SVG (follow its link).");
        h.Close("footer");
        h.Close("body");
        h.Close("html");
        return h.ToString();
    }

    /// <summary>The sections' anchors and headings, in page order; the conv section's only when it ran.</summary>
    public static IReadOnlyList<(string Id, string Heading)> Sections(bool withConv) =>
    [
        ("data", "The data"),
        ("guesses", "How wrong is a guess?"),
        ("sweep", "The loss along a = b"),
        ("descent", "Gradient descent on the loss landscape"),
        ("learning-rate", "The learning rate"),
        ("network", "A line cannot bend; a network can"),
        ("optimizers", "Faster kinds of gradient descent"),
        ("schedules", "Cyclical learning rates"),
        ("conv", withConv ? "Early layers find corners and borders" : "Early layers find corners and borders (skipped)"),
    ];

    private static void Header(HtmlWriter h, LineResult r, SecondHalfResult s)
    {
        h.Open("header", ("class", "hero"));
        h.Open("div");
        h.Text("h1", Title);
        h.Markup("p", "Deep learning in minutes, told in graphs: a noisy line fitted by gradient descent, the learning rate that makes " +
            "or breaks it, a network that bends where a line cannot, faster optimizers, cyclical schedules and the first layer of a " +
            "convolutional network. Everything here was computed in C# by Descent, with no Python.");
        h.Markup("p", $"Seed <code>{r.Settings.Seed}</code> · {r.Settings.Points} points, {r.Settings.Steps} descent steps · " +
            $"{s.Settings.Points} sin points, {s.Settings.Steps} training steps per network run.");
        h.Close("div");
        h.Close("header");
    }

    private static void Contents(HtmlWriter h, bool withConv)
    {
        h.Open("nav", ("class", "toc"), ("aria-label", "Contents"));
        h.Open("ol");
        foreach (var (id, heading) in Sections(withConv)) h.Markup("li", $"<a href=\"#{id}\">{HtmlWriter.Escape(heading)}</a>");
        h.Close("ol");
        h.Close("nav");
    }

    private static void Data(Page p, LineResult r)
    {
        var t = r.Theory;
        p.Start("data", 1);
        p.Para($"{r.Settings.Points} points with x drawn uniformly from [0, 1] and y = {F(LineSettings.Slope, "0.#")}x + {F(LineSettings.Intercept, "0.#")} " +
            $"plus noise of standard deviation {F(LineSettings.Noise, "0.0#")}. The model is a line, ŷ = a·x + b; training must find a and b " +
            "from the points alone. The red line is where gradient descent ended; it sits on the true dashed line.");
        p.Facts(("true line", $"a = {F(LineSettings.Slope, "0.#")}, b = {F(LineSettings.Intercept, "0.#")}"),
            ("gradient descent", $"a = {F(r.Main.A, "0.0000")}, b = {F(r.Main.B, "0.0000")}"),
            ("least squares (closed form)", $"a = {F(t.LeastSquaresA, "0.0000")}, b = {F(t.LeastSquaresB, "0.0000")}"),
            ("its loss (MSE)", F(t.LeastSquaresLoss, "0.000000")));
        p.Figure("data-and-fit");
        p.End();
    }

    private static void Guesses(Page p, LineResult r)
    {
        var t = r.Theory;
        p.Start("guesses", 2);
        p.Para("A guess is a line; its error is the mean squared error (MSE), the average of the squared vertical gaps between " +
            "the points and the line. Two first guesses are far off, and their MSE says by how much.");
        p.Facts(("MSE at a = 0, b = 0", F(r.LossAt00, "0.00")), ("expected over random draws", F(t.ExpectedLossAt00, "0.00")),
            ("MSE at a = 1, b = 1", F(r.LossAt11, "0.00")), ("expected over random draws", F(t.ExpectedLossAt11, "0.00")));
        p.Figure("guesses");
        p.End();
    }

    private static void Sweep(Page p, LineResult r)
    {
        var t = r.Theory;
        p.Start("sweep", 3);
        p.Para($"Trying every line with a = b from 0 to {F(LinearRegressionStory.SweepMax, "0")} turns the search into a curve: the loss is a " +
            "parabola in the shared value, and its lowest point is the best line of that family, though not the best line overall.");
        p.Facts(("lowest on the grid", $"a = b = {F(r.BestAEqualsB, "0.00")}"), ("its MSE", F(r.BestAEqualsBLoss, "0.000")),
            ("exact for this data", F(t.BestAEqualsB, "0.000")), ("expected over draws", F(t.ExpectedBestAEqualsB, "0.000")));
        p.Figure("loss-along-a-equals-b");
        p.End();
    }

    private static void Descent(Page p, LineResult r)
    {
        var t = r.Theory;
        var s = r.Settings;
        p.Start("descent", 4);
        p.Para($"Over both a and b the loss is a bowl. Gradient descent starts at a random point and repeats four lines of code: " +
            $"compute the loss, call Backward for its gradient, step against the gradient (lr = {F(s.LearningRate, "0.###")}) and " +
            "zero the gradient. The path below falls fast across the bowl's steep direction, then creeps along its flat valley floor to the least-squares point.");
        p.Facts(("start", $"a = {F(r.StartA, "0.000")}, b = {F(r.StartB, "0.000")}"),
            ("after " + r.Main.Steps + " steps", $"a = {F(r.Main.A, "0.0000")}, b = {F(r.Main.B, "0.0000")}"),
            ("final loss", F(r.Main.FinalLoss, "0.000000")),
            ("distance to least squares", $"|Δa| = {F(Math.Abs(r.Main.A - t.LeastSquaresA), "0.0000")}, |Δb| = {F(Math.Abs(r.Main.B - t.LeastSquaresB), "0.0000")}"));
        p.Figure("landscape");
        p.Table(["step", "a", "b", "loss"],
            r.Main.Trajectory.Select(q => new[] { q.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), F(q.A, "0.0000"), F(q.B, "0.0000"), F(q.Loss, "0.000000") }));
        p.End();
    }

    private static void LearningRates(Page p, LineResult r)
    {
        var t = r.Theory;
        p.Start("learning-rate", 5);
        p.Para($"The MSE's curvature (its Hessian has eigenvalues {F(t.HessianMinEigenvalue, "0.000")} and {F(t.HessianMaxEigenvalue, "0.000")}) " +
            $"sets the largest stable learning rate, 2/λmax = {F(t.MaxStableLearningRate, "0.000")}. Below it descent converges, slowly when " +
            "the rate is small; above it each step overshoots further than the last. The same start and steps at three rates:");
        p.Table(["lr", "steps", "final loss", "a", "b", "a flips", "outcome"],
            r.LearningRates.Select(run => new[]
            {
                F(run.LearningRate, "0.###"), run.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture), G(run.FinalLoss),
                G(run.A), G(run.B), F(run.FlipFraction, "0%"), run.OutcomeText + (run.StoppedEarly ? " (stopped)" : ""),
            }), 6);
        p.Figure("learning-rate-paths");
        p.Figure("learning-rate-losses");
        p.End();
    }

    private static void Network(Page p, SecondHalfResult s)
    {
        var n = s.Network;
        var ns = s.Settings;
        p.Start("network", 6);
        p.Para($"{ns.Points} new points: x from [−π, π], y = sin x plus noise of standard deviation {F(ns.Noise, "0.0#")}. A straight line " +
            "cannot follow a wave however long it trains; stacking linear layers with a non-linear one (Tanh) between them gives a " +
            $"network that can. Both are trained alike ({n.Mlp.Details}, {ns.Steps} full-batch steps).");
        p.Table(["model", "layers", "parameters", "start loss", "final loss"],
        [
            ["line", "Linear(1, 1)", n.LineParameters.ToString(System.Globalization.CultureInfo.InvariantCulture), F(n.Line.InitialLoss, "0.0000"), F(n.Line.FinalLoss, "0.0000")],
            ["MLP", n.MlpLayers, n.MlpParameters.ToString(System.Globalization.CultureInfo.InvariantCulture), F(n.Mlp.InitialLoss, "0.0000"), F(n.Mlp.FinalLoss, "0.0000")],
        ], 1);
        p.Facts(("best any line can do", F(n.BestLineLoss, "0.0000")), ("noise floor", F(n.NoiseFloor, "0.0000")),
            ("line's loss ÷ MLP's", F(n.LineOverMlp, "0.#") + "×"));
        p.Figure("line-vs-mlp");
        p.End();
    }

    private static void Optimizers(Page p, SecondHalfResult s)
    {
        var sgd = s.Optimizers[0];
        var best = s.Optimizers.MinBy(run => run.FinalLoss)!;
        p.Start("optimizers", 7);
        p.Para($"The same MLP from the same initial weights, {s.Settings.Steps} full-batch steps under {s.Optimizers.Count} optimizers. Momentum remembers " +
            "past gradients and rolls through flat stretches; RMSprop and Adam scale each weight's step by its gradients' recent size.");
        p.Table(["optimizer", "settings", "start loss", "final loss", "SGD's final ÷ this"],
            s.Optimizers.Select(run => new[] { run.Name, run.Details, G(run.InitialLoss), G(run.FinalLoss), F(sgd.FinalLoss / (double)run.FinalLoss, "0.0") + "×" }),
            1);
        p.Para($"Lowest after {s.Settings.Steps} steps: {best.Name}, at {G(best.FinalLoss)}.");
        p.Figure("optimizers");
        p.End();
    }

    private static void Schedules(Page p, SecondHalfResult s)
    {
        var best = s.Schedules.MinBy(run => run.FinalLoss)!;
        p.Start("schedules", 8);
        p.Para("A schedule sets the learning rate of every step. Cyclical rates rise, then decay: a high rate crosses the landscape " +
            "quickly, a low one settles into a minimum. The same MLP and start under Adam at a constant rate, a triangular cycle and one-cycle:");
        p.Table(["schedule", "settings", "peak lr", "last lr", "final loss"],
            s.Schedules.Select(run => new[] { run.Name, run.Details, Lr(run.Lrs.Max()), Lr(run.Lrs[^1]), G(run.FinalLoss) }), 1);
        p.Para($"Lowest after {s.Settings.Steps} steps: {best.Name}, at {G(best.FinalLoss)}.");
        p.Figure("schedule-lrs");
        p.Figure("schedule-losses");
        p.End();
    }

    private static void Conv(Page p, ConvResult? c, string? skipped)
    {
        p.Start("conv", 9);
        if (c == null)
        {
            p.Html.Markup("p", "This section needs the MNIST digits, which were not found: " + HtmlWriter.Escape(skipped ?? DigitsLocator.MissingMessage()) +
                $". Fetch them with <code>{HtmlWriter.Escape(DigitsLocator.HowToGet)}</code> (it writes <code>{DigitsLocator.FileName}</code>) " +
                "and run the demo again.", ("class", "note"));
            p.End();
            return;
        }
        var cs = c.Settings;
        p.Para($"A small convolutional network, {c.Layers}, trained for one pass over {cs.TrainCount} handwritten digits in batches of " +
            $"{cs.BatchSize} (Adam, lr {F(cs.Lr, "0.###")}). Its first layer slides {cs.Filters} small filters over the image; after brief " +
            "training they already respond to edges and strokes in particular directions: early layers find corners and borders.");
        p.Facts(("training steps", c.Losses.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("first batch loss", F(c.Losses[0], "0.000")), ("last batch loss", F(c.Losses[^1], "0.000")),
            ($"accuracy on {cs.TestCount} held-out digits", F(c.TestAccuracy, "0.0%")));
        p.Figure("conv-filters");
        p.Para($"One held-out digit, a {c.DigitLabel} (the network says {c.DigitPrediction}), and what each filter makes of it after ReLU. " +
            "Each map is bright where its filter's pattern appears: along one side of the strokes, at their ends, across them.");
        p.Figure("conv-activations");
        p.Figure("conv-predictions");
        p.Figure("conv-loss");
        p.End();
    }

    /// <summary>The page being built, and the figures its sections refer to by name.</summary>
    private sealed class Page(IReadOnlyList<ReportFigure> figures)
    {
        private readonly Dictionary<string, string> _headings = Sections(true).ToDictionary(x => x.Id, x => x.Heading);

        public HtmlWriter Html { get; } = new();

        public void Start(string id, int number)
        {
            Html.Open("section", ("id", id));
            Html.Markup("h3", $"<span class=\"step\">{number}</span>{HtmlWriter.Escape(_headings[id])}");
        }

        public void End() => Html.Close("section");

        public void Para(string text) => Html.Text("p", text);

        public void Facts(params (string Name, string Value)[] facts)
        {
            Html.Open("dl", ("class", "facts"));
            foreach (var (name, value) in facts)
                Html.Markup("div", $"<dt>{HtmlWriter.Escape(name)}</dt><dd>{HtmlWriter.Escape(value)}</dd>");
            Html.Close("dl");
        }

        public void Table(string[] header, IEnumerable<string[]> rows, params int[] textColumns)
        {
            Html.Open("table");
            Html.Markup("thead", "<tr>" + string.Concat(header.Select((c, i) => $"<th scope=\"col\"{TextClass(i, textColumns)}>{HtmlWriter.Escape(c)}</th>")) + "</tr>");
            Html.Open("tbody");
            foreach (var row in rows)
                Html.Markup("tr", string.Concat(row.Select((c, i) => $"<td{TextClass(i, textColumns)}>{HtmlWriter.Escape(c)}</td>")));
            Html.Close("tbody");
            Html.Close("table");
        }

        // Text reads from the left; numbers line up on the right. The first column is always text (CSS).
        private static string TextClass(int column, int[] textColumns) => textColumns.Contains(column) ? " class=\"text\"" : "";

        public void Figure(string name) => FigureMarkup.Write(Html, figures, name);
    }
}
