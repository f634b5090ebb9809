using Descent.Cli.Demo;
using Descent.Plots;
using static Descent.Cli.Report.Numbers;
using Descent.Tutorial;

namespace Descent.Cli.Report;

/// <summary>Draws every figure of the demo's story from its results, named as the report refers to them.</summary>
public static class DemoFigures
{
    /// <summary>The first half's figures: data and fit, guesses, loss along a = b, landscape, learning rates.</summary>
    /// <example><code>
    /// var r = LinearRegressionStory.Run(new LineSettings());
    /// foreach (var f in DemoFigures.FirstHalf(r, LinePaths.Of(r))) f.Figure.Save(f.Name);
    /// </code></example>
    public static IReadOnlyList<ReportFigure> FirstHalf(LineResult r, LinePaths paths)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(paths);
        var t = r.Theory;
        var (x, y) = (paths.X, paths.Y);
        var fitted = new LineParams(r.Main.A, r.Main.B);
        var surface = Surface(r, x, y);
        string Rate(float lr) => $"lr = {F(lr, "0.###")}";
        var rateRuns = r.Settings.Rates.Select((lr, i) => (lr, run: r.LearningRates[i], path: paths.Rates[i])).ToList();
        var ratePaths = TutorialFigures.LearningRatePaths(surface, [.. rateRuns.Select(p => new ParamPath(Rate(p.lr), p.path.A, p.path.B))]);
        var rateLosses = TutorialFigures.LearningRateLosses([.. rateRuns.Select(p => new Series(Rate(p.lr), p.path.Losses))]);
        return
        [
            new("data-and-fit", $"{x.Length} points scattered around the true line y = 3x + 8, with the fitted line " +
                $"a = {F(r.Main.A, "0.000")}, b = {F(r.Main.B, "0.000")} drawn over it.",
                TutorialFigures.PointsAndFit(x, y, new LineParams(LineSettings.Slope, LineSettings.Intercept), fitted)),
            new("guesses", $"The lines a = 0, b = 0 (MSE {F(r.LossAt00, "0.00")}) and a = 1, b = 1 (MSE {F(r.LossAt11, "0.00")}), " +
                "both far below the points.",
                TutorialFigures.Guesses(x, y, new LineParams(0, 0), new LineParams(1, 1))),
            new("loss-along-a-equals-b", $"The MSE of the lines a = b = t for t from 0 to {F(LinearRegressionStory.SweepMax, "0")}: " +
                $"a parabola whose minimum, at t = {F(t.BestAEqualsB, "0.000")}, is marked.",
                TutorialFigures.LossAlongDiagonal(x, y, 0, LinearRegressionStory.SweepMax)),
            new("landscape", $"A heatmap of the loss over a and b with contour lines; gradient descent's path runs from " +
                $"({F(r.StartA, "0.00")}, {F(r.StartB, "0.00")}) down the valley to ({F(r.Main.A, "0.00")}, {F(r.Main.B, "0.00")}).",
                TutorialFigures.Landscape(surface, new ParamPath($"lr = {F(r.Settings.LearningRate, "0.###")}", paths.Main.A, paths.Main.B))),
            new("learning-rate-paths", "The paths of " + string.Join(", ", rateRuns.Select(p => $"{Rate(p.lr)} ({p.run.OutcomeText})")) +
                " on the same landscape.",
                ratePaths),
            new("learning-rate-losses", "The loss per step of " +
                string.Join(", ", rateRuns.Select(p => $"{Rate(p.lr)}, which ends at {G(p.run.FinalLoss)}")) + ", on a log scale.",
                SameColors(ratePaths, rateLosses)),
        ];
    }

    /// <summary>The second half's figures: the line against the MLP on sin, the optimizers, the schedules.</summary>
    public static IReadOnlyList<ReportFigure> SecondHalf(SecondHalfResult s, SinFits fits)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(fits);
        var n = s.Network;
        string Label(TrainingRun run) => run.Details.Length == 0 ? run.Name : $"{run.Name} ({run.Details})";
        var constant = s.Schedules.Select(run => new Series(run.Name, [.. run.Lrs])).ToList();
        return
        [
            new("line-vs-mlp", $"{fits.X.Length} noisy points of sin x over [−π, π]; the trained line (loss {F(n.Line.FinalLoss, "0.0000")}) " +
                $"cuts straight through them while the MLP (loss {F(n.Mlp.FinalLoss, "0.0000")}) follows the wave.",
                StoryFigures.FitComparison(fits.X, fits.Y,
                [
                    new Series($"line, loss {F(fits.LineLoss, "0.0000")}", fits.Line, fits.Grid),
                    new Series($"MLP, loss {F(fits.MlpLoss, "0.0000")}", fits.Mlp, fits.Grid),
                ], "A line cannot bend; an MLP can")),
            new("optimizers", "The MLP's loss per step under " + string.Join(", ", s.Optimizers.Select(run => $"{run.Name} (ends at {G(run.FinalLoss)})")) +
                ", on a log scale.",
                TrainingFigures.OptimizerComparison([.. s.Optimizers.Select(run => new Series(Label(run), Doubles(run.Losses)))])),
            new("schedule-lrs", "The learning rate per step: " + string.Join("; ", s.Schedules.Select(Shape)) + ".",
                StoryFigures.ScheduleComparison(constant, "Learning rate per step under each schedule")),
            new("schedule-losses", "The MLP's loss per step under " + string.Join(", ", s.Schedules.Select(run => $"{run.Name} (ends at {G(run.FinalLoss)})")) +
                ", on a log scale.",
                StoryFigures.LossComparison([.. s.Schedules.Select(run => new Series(Label(run), Doubles(run.Losses)))], "Adam's loss under each schedule")),
        ];
    }

    /// <summary>The conv section's figures: the filters, one digit's activation maps, predictions, the training loss.</summary>
    public static IReadOnlyList<ReportFigure> Conv(ConvResult c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var shape = c.Weight.Shape;
        int wrong = c.SampleActual.Zip(c.SamplePredicted).Count(p => p.First != p.Second);
        return
        [
            new("conv-filters", $"The {shape[0]} learned {shape[2]}x{shape[3]} filters of the first conv layer, blue negative and red positive.",
                ConvFigures.Filters(c.Weight)),
            new("conv-activations", $"A held-out {c.DigitLabel} (classified as {c.DigitPrediction}) and the {shape[0]} maps the filters make of it " +
                "after ReLU: each responds to a part of the strokes, such as one of their sides or their ends.",
                ConvFigures.ActivationMaps(c.Activations, input: c.Digit)),
            new("conv-predictions", $"{c.SampleActual.Length} held-out digits with the network's labels; {wrong} wrong, framed in red.",
                ClassificationFigures.Digits(c.SampleImages, c.SamplePredicted, c.SampleActual)),
            new("conv-loss", $"The cross-entropy of each of the {c.Losses.Count} training batches, from {F(c.Losses[0], "0.00")} " +
                $"down to {F(c.Losses[^1], "0.00")}.",
                StoryFigures.LossComparison([new Series("training batch loss", Doubles(c.Losses))], "The CNN's loss per batch")),
        ];
    }

    /// <summary>
    /// Gives each curve of <paramref name="target"/> the colour of the curve of the same name in
    /// <paramref name="source"/>: the paths skip the palette's first colour (blue vanishes on the landscape),
    /// the loss curves do not, and a reader matches the two figures by colour.
    /// </summary>
    public static Figure SameColors(Figure source, Figure target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var colors = Curves(source).Where(c => !string.IsNullOrEmpty(c.LegendText))
            .GroupBy(c => c.LegendText).ToDictionary(g => g.Key, g => g.First().Color);
        foreach (var curve in Curves(target))
            foreach (var (name, color) in colors)
                // A diverged run's legend gets a note in parentheses after its name.
                if (curve.LegendText == name || curve.LegendText.StartsWith(name + " (", StringComparison.Ordinal))
                    curve.Color = color;
        return target;
    }

    private static IEnumerable<ScottPlot.Plottables.Scatter> Curves(Figure figure) =>
        figure.Plots.SelectMany(p => p.GetPlottables()).OfType<ScottPlot.Plottables.Scatter>();

    private static string Shape(TrainingRun run)
    {
        double low = run.Lrs.Min(), high = run.Lrs.Max();
        return low == high ? $"{run.Name} stays at {Lr(high)}"
            : $"{run.Name} starts at {Lr(run.Lrs[0])}, peaks at {Lr(high)} and ends at {Lr(run.Lrs[^1])}";
    }

    /// <summary>The loss over <see cref="LandscapeWindow"/>'s grid, the same view the lessons draw.</summary>
    public static LossSurface Surface(LineResult r, double[] x, double[] y)
    {
        var w = LandscapeWindow.Of(r);
        return LossSurface.Mse(x, y, w.AMin, w.AMax, w.BMin, w.BMax, LandscapeWindow.GridSteps);
    }

    private static double[] Doubles(IReadOnlyList<float> values) => [.. values.Select(v => (double)v)];
}
