using Descent.Optim;
using Descent.Optim.Schedules;
using ScottPlot;

namespace Descent.Plots;

/// <summary>
/// The figures of training: training against validation loss (the overfitting picture), the LR finder's curve,
/// a schedule's learning rate and momentum, and several optimizers' loss curves. Inputs are plain arrays.
/// </summary>
/// <example><code>
/// var curves = new TrainingCurves(trainLoss, validLoss, accuracy, "accuracy", StopEpoch: 7);
/// TrainingFigures.Curves(curves).Save("out/overfitting");
/// TrainingFigures.ScheduleCurve(new OneCycle(totalSteps: 1000), steps: 1001, baseLr: 0.01).Save("out/onecycle");
/// </code></example>
public static class TrainingFigures
{
    /// <summary>
    /// (g) Training and validation loss per epoch, and the metric per epoch in a second panel when given, with
    /// the early-stopping epoch marked in both.
    /// </summary>
    public static Figure Curves(TrainingCurves curves, string title = "Training and validation loss")
    {
        const string name = nameof(Curves);
        ArgumentNullException.ThrowIfNull(curves);
        Check.NotEmpty(name, nameof(curves.TrainLoss), curves.TrainLoss);
        Check.NotEmpty(name, nameof(curves.ValidLoss), curves.ValidLoss);
        int epochs = Math.Max(curves.TrainLoss.Length, curves.ValidLoss.Length);
        if (curves.Metric is { } m) Check.NotEmpty(name, nameof(curves.Metric), m);
        if (curves.StopEpoch is int stop && (stop < 1 || stop > epochs))
            throw new ArgumentOutOfRangeException(nameof(curves), stop, $"{name}: StopEpoch must be in [1, {epochs}]; got {stop}");

        var loss = Style.NewPlot();
        SeriesPanel.Add(name, loss, new Series("training loss", curves.TrainLoss, Epochs(curves.TrainLoss.Length)), Style.Series(0), logY: false);
        SeriesPanel.Add(name, loss, new Series("validation loss", curves.ValidLoss, Epochs(curves.ValidLoss.Length)), Style.Series(1), logY: false);
        loss.Title(title);
        loss.XLabel("epoch");
        loss.YLabel("loss");
        MarkStop(loss, curves.StopEpoch, curves.ValidLoss);
        loss.ShowLegend(Alignment.UpperRight);
        if (curves.Metric is null) return new Figure(loss, Style.Width, Style.Height);

        var metric = Style.NewPlot();
        SeriesPanel.Add(name, metric, new Series(curves.MetricName, curves.Metric, Epochs(curves.Metric.Length)), Style.Series(2), logY: false);
        metric.XLabel("epoch");
        metric.YLabel(curves.MetricName);
        MarkStop(metric, curves.StopEpoch, curves.Metric);
        metric.ShowLegend(Alignment.LowerRight);
        return new Figure([loss, metric], Style.Width, 900);
    }

    /// <summary>(h) The LR finder's loss against the learning rate on a log x-axis, with the suggested rate marked.</summary>
    public static Figure LrFinderCurve(double[] lrs, double[] losses, double suggestedLr)
    {
        const string name = nameof(LrFinderCurve);
        Check.NotEmpty(name, nameof(lrs), lrs);
        Check.SameLength(name, nameof(lrs), lrs, nameof(losses), losses);
        if (!(suggestedLr > 0) || !double.IsFinite(suggestedLr))
            throw new ArgumentOutOfRangeException(nameof(suggestedLr), suggestedLr, $"{name}: suggestedLr must be finite and > 0; got {suggestedLr}");
        // The sweep stops on divergence; a NaN or infinite loss ends the drawn curve.
        int n = 0;
        while (n < losses.Length && double.IsFinite(losses[n])) n++;
        if (n == 0) throw new ArgumentException($"{name}: losses has no finite value to draw", nameof(losses));
        var logLr = LogAxis.ToLog10(name, nameof(lrs), lrs[..n]);
        if (logLr.Length < n) throw new ArgumentException($"{name}: lrs must be finite", nameof(lrs));

        var plot = Style.NewPlot();
        var curve = plot.Add.ScatterLine(logLr, losses[..n], Style.Series(0));
        curve.LineWidth = 2;
        curve.LegendText = "smoothed loss";
        double at = Math.Log10(suggestedLr);
        var line = plot.Add.VerticalLine(at, 2, Style.Marker);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = $"suggested lr = {Style.Number(suggestedLr)}";
        plot.Add.Marker(at, Interpolate(logLr, losses, at), MarkerShape.FilledCircle, 11, Style.Marker);
        LogAxis.Apply(plot, plot.Axes.Bottom, logLr.Min(), logLr.Max());
        plot.Title("Learning-rate finder");
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("loss");
        // The curve starts high on the left (untrained) and rises again on the right (diverging): lower left is free.
        plot.ShowLegend(Alignment.LowerLeft);
        return new Figure(plot, Style.Width, Style.Height);
    }

    /// <summary>(h) The LR finder's result, marking its default (valley) suggestion.</summary>
    public static Figure LrFinderCurve(LrFinderResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return LrFinderCurve([.. result.Lrs], [.. result.Losses], result.Suggestion);
    }

    /// <summary>
    /// (i) A schedule's learning rate per step and, when given, its momentum (or Adam's beta1) per step in a
    /// second panel.
    /// </summary>
    public static Figure ScheduleCurve(double[] lr, double[]? momentum = null, string title = "Learning-rate schedule") =>
        ScheduleCurve(null, lr, momentum, title);

    /// <summary>
    /// (i) <paramref name="schedule"/> over steps 0 .. <paramref name="steps"/> − 1, evaluated at no more than
    /// <see cref="Downsample.MaxPoints"/> evenly spaced steps (see <see cref="ScheduleSamples"/>), so a run of
    /// billions of steps costs what a short one does.
    /// </summary>
    public static Figure ScheduleCurve(Schedule schedule, long steps, double baseLr, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var samples = ScheduleSamples.Of(schedule, steps, baseLr);
        double[] xs = [.. samples.Steps.Select(s => (double)s)];
        return ScheduleCurve(xs, [.. samples.Lr], samples.Momentum is { } m ? [.. m] : null, title ?? $"{schedule.GetType().Name} schedule");
    }

    private static Figure ScheduleCurve(double[]? steps, double[] lr, double[]? momentum, string title)
    {
        const string name = nameof(ScheduleCurve);
        Check.NotEmpty(name, nameof(lr), lr);
        Check.Finite(name, nameof(lr), lr);
        var rate = Style.NewPlot();
        SeriesPanel.Add(name, rate, new Series("learning rate", lr, steps), Style.Series(0), logY: false);
        rate.Title(title);
        rate.XLabel("step");
        rate.YLabel("learning rate");
        rate.HideLegend();
        if (momentum is null) return new Figure(rate, Style.Width, Style.Height);

        Check.NotEmpty(name, nameof(momentum), momentum);
        Check.Finite(name, nameof(momentum), momentum);
        var mom = Style.NewPlot();
        SeriesPanel.Add(name, mom, new Series("momentum", momentum, steps), Style.Series(1), logY: false);
        mom.XLabel("step");
        mom.YLabel("momentum");
        mom.HideLegend();
        return new Figure([rate, mom], Style.Width, 800);
    }

    /// <summary>(j) Several optimizers' loss curves on one panel, on a log y-axis unless told otherwise.</summary>
    public static Figure OptimizerComparison(IReadOnlyList<Series> losses, bool logY = true, string xLabel = "step") =>
        SeriesPanel.Draw(nameof(OptimizerComparison), losses, "Optimizers compared", xLabel, logY ? "loss (log scale)" : "loss", logY);

    /// <summary>
    /// Loss curves against the iteration on one linear panel: a language model's loss per batch beside its
    /// evaluated training and validation losses (each series with its own X).
    /// </summary>
    /// <example><code>TrainingFigures.LossCurves([new Series("batch", losses), new Series("validation", val, steps)], "GPT on Moby-Dick").Save("out/loss");</code></example>
    public static Figure LossCurves(IReadOnlyList<Series> losses, string title, string xLabel = "iteration") =>
        SeriesPanel.Draw(nameof(LossCurves), losses, title, xLabel, "loss", logY: false);

    private static double[] Epochs(int count) => Enumerable.Range(1, count).Select(e => (double)e).ToArray();

    private static void MarkStop(Plot plot, int? stopEpoch, double[] values)
    {
        if (stopEpoch is not int stop) return;
        var line = plot.Add.VerticalLine(stop, 2, Style.Stop);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = $"early stop (epoch {stop})";
        if (stop <= values.Length && double.IsFinite(values[stop - 1]))
            plot.Add.Marker(stop, values[stop - 1], MarkerShape.FilledCircle, 10, Style.Marker);
    }

    /// <summary>Linear interpolation of <paramref name="ys"/> at <paramref name="x"/>; xs need not be sorted, the nearest bracket wins.</summary>
    private static double Interpolate(double[] xs, double[] ys, double x)
    {
        int best = 0;
        for (int i = 1; i < xs.Length; i++) if (Math.Abs(xs[i] - x) < Math.Abs(xs[best] - x)) best = i;
        int other = best + (x > xs[best] ? 1 : -1);
        if (other < 0 || other >= xs.Length || xs[other] == xs[best]) return ys[best];
        double t = (x - xs[best]) / (xs[other] - xs[best]);
        return ys[best] + t * (ys[other] - ys[best]);
    }
}
