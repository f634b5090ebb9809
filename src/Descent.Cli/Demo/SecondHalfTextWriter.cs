using System.Globalization;
using Descent.Tutorial;

namespace Descent.Cli.Demo;

/// <summary>Prints a <see cref="SecondHalfResult"/> as numbered sections that continue <see cref="DemoTextWriter"/>'s story.</summary>
public static class SecondHalfTextWriter
{
    /// <summary>The first section's number: the first half ends with section 4.</summary>
    public const int FirstSection = 5;

    private const string Levels = "▁▂▃▄▅▆▇█";
    private const int SparkWidth = 40;

    /// <summary>Writes the sections to <paramref name="output"/>.</summary>
    /// <example><code>SecondHalfTextWriter.Write(SecondHalf.Run(new NetworkSettings()), Console.Out);</code></example>
    public static void Write(SecondHalfResult r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        WriteNetwork(r.Network, output, FirstSection);
        output.WriteLine();
        WriteOptimizers(r.Settings, r.Optimizers, output, FirstSection + 1);
        output.WriteLine();
        WriteSchedules(r.Settings, r.Schedules, output, FirstSection + 2);
    }

    /// <summary>Writes the line against the MLP as section <paramref name="number"/>.</summary>
    public static void WriteNetwork(NetworkFit n, TextWriter w, int number)
    {
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(w);
        var s = n.Settings;
        w.WriteLine($"{number}. Networks are stacks of linear and non-linear layers. {s.Points} new points (seed {s.Seed}): " +
               $"x ~ U(−π, π), y = sin(x) + {F(s.Noise, "0.0#")}·N(0, 1).");
        w.WriteLine($"   A straight line cannot bend; linear layers with a non-linear one between them can. Both trained alike " +
               $"({n.Mlp.Details}, {s.Steps} full-batch steps):");
        int width = Math.Max(n.MlpLayers.Length, 12);
        w.WriteLine($"   model  {"layers".PadRight(width)}  parameters   start loss   final loss");
        w.WriteLine($"   line   {"Linear(1, 1)".PadRight(width)}  {n.LineParameters,10}   {F(n.Line.InitialLoss, "0.0000"),10}   {F(n.Line.FinalLoss, "0.0000"),10}");
        w.WriteLine($"   MLP    {n.MlpLayers.PadRight(width)}  {n.MlpParameters,10}   {F(n.Mlp.InitialLoss, "0.0000"),10}   {F(n.Mlp.FinalLoss, "0.0000"),10}");
        w.WriteLine($"   the best any line can do (least squares, closed form): {F(n.BestLineLoss, "0.0000")};  " +
               $"the variance of y (the best constant): {F(n.TargetVariance, "0.0000")}");
        w.WriteLine($"   the noise floor, mean((y − sin x)²): {F(n.NoiseFloor, "0.0000")}  (noise² = {F(s.Noise * (double)s.Noise, "0.0000")})");
        double overFloor = n.Mlp.FinalLoss / n.NoiseFloor;
        w.WriteLine($"   The line's loss is {F(n.LineOverMlp, "0.#")}× the MLP's; the MLP's is {F(overFloor, "0.00")}× the noise floor" +
               (overFloor < 1 ? " (below it: it has begun to fit the noise itself)." : "."));
    }

    /// <summary>Writes the optimizer comparison as section <paramref name="number"/>.</summary>
    public static void WriteOptimizers(NetworkSettings s, IReadOnlyList<TrainingRun> runs, TextWriter w, int number)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine($"{number}. Faster kinds of gradient descent: the same MLP from the same initial weights, " +
               $"{s.Steps} full-batch steps each.");
        var steps = LossSteps(s.Steps);
        int nameWidth = runs.Max(r => r.Name.Length), detailWidth = runs.Max(r => r.Details.Length);
        w.WriteLine($"   {"loss after step".PadRight(nameWidth + detailWidth + 2)}" +
               string.Concat(steps.Select(i => $"  {i,8}")) + "   SGD's final / this");
        var sgd = runs[0];
        foreach (var run in runs)
        {
            w.WriteLine($"   {run.Name.PadRight(nameWidth)}  {run.Details.PadRight(detailWidth)}" +
                   string.Concat(steps.Select(i => $"  {G(run.Losses[i]),8}")) +
                   $"   {F(sgd.FinalLoss / (double)run.FinalLoss, "0.0"),6}×");
        }
        var best = runs.MinBy(r => r.FinalLoss)!;
        w.WriteLine($"   Lowest after {s.Steps} steps: {best.Name} ({G(best.FinalLoss)}).");
    }

    /// <summary>Writes the schedule comparison as section <paramref name="number"/>.</summary>
    public static void WriteSchedules(NetworkSettings s, IReadOnlyList<TrainingRun> runs, TextWriter w, int number)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine($"{number}. Cyclical learning rates rise, then decay: the same MLP and start, {s.Steps} steps of Adam under each schedule.");
        int nameWidth = runs.Max(r => r.Name.Length);
        foreach (var run in runs) w.WriteLine($"   {run.Name.PadRight(nameWidth)}  {run.Details}");
        var lrSteps = Enumerable.Range(0, 9).Select(k => Math.Min(k * s.Steps / 8, s.Steps - 1)).Distinct().ToArray();
        w.WriteLine($"   {"lr at step".PadRight(nameWidth)}" + string.Concat(lrSteps.Select(i => $"  {i,8}")));
        foreach (var run in runs)
            w.WriteLine($"   {run.Name.PadRight(nameWidth)}" + string.Concat(lrSteps.Select(i => $"  {Lr(run.Lrs[i]),8}")));
        double top = runs.Max(r => r.Lrs.Max());
        w.WriteLine($"   lr over steps 0 to {s.Steps - 1} (full height = {Lr(top)}):");
        foreach (var run in runs) w.WriteLine($"   {run.Name.PadRight(nameWidth)}  {Sparkline(run.Lrs, top)}");
        var lossSteps = LossSteps(s.Steps);
        w.WriteLine($"   {"loss at step".PadRight(nameWidth)}" + string.Concat(lossSteps.Select(i => $"  {i,8}")));
        foreach (var run in runs)
            w.WriteLine($"   {run.Name.PadRight(nameWidth)}" + string.Concat(lossSteps.Select(i => $"  {G(run.Losses[i]),8}")));
        foreach (var run in runs)
        {
            var peaks = Peaks(run.Lrs);
            if (peaks.Count == 0) continue;
            w.WriteLine($"   {run.Name}: rises from {Lr(run.Lrs[0])} to {Lr(run.Lrs[peaks[0]])} at step{(peaks.Count > 1 ? "s" : "")} " +
                   $"{string.Join(" and ", peaks)}, then decays to {Lr(run.Lrs[^1])} by step {run.Steps - 1}.");
        }
        var best = runs.MinBy(r => r.FinalLoss)!;
        w.WriteLine($"   Lowest after {s.Steps} steps: {best.Name} ({G(best.FinalLoss)}).");
    }

    /// <summary>Steps 0, S/20, S/8, S/4, S/2 and S: dense early, where the loss moves most.</summary>
    public static int[] LossSteps(int steps) =>
        new[] { 0, steps / 20, steps / 8, steps / 4, steps / 2, steps }.Distinct().ToArray();

    /// <summary>The values as a row of block characters, resampled to at most 40 columns and scaled to <paramref name="top"/>.</summary>
    public static string Sparkline(IReadOnlyList<double> values, double top)
    {
        ArgumentNullException.ThrowIfNull(values);
        int columns = Math.Min(SparkWidth, values.Count);
        var chars = new char[columns];
        for (int c = 0; c < columns; c++)
        {
            double v = values[(int)((long)c * (values.Count - 1) / Math.Max(columns - 1, 1))];
            int level = top > 0 && double.IsFinite(v) ? (int)Math.Round(Math.Clamp(v / top, 0, 1) * (Levels.Length - 1)) : 0;
            chars[c] = Levels[level];
        }
        return new string(chars);
    }

    /// <summary>The steps where the rate stops rising and starts falling (a plateau counts at its first step).</summary>
    public static IReadOnlyList<int> Peaks(IReadOnlyList<double> lrs)
    {
        ArgumentNullException.ThrowIfNull(lrs);
        var peaks = new List<int>();
        bool rising = false;
        for (int i = 1; i < lrs.Count; i++)
        {
            if (lrs[i] > lrs[i - 1]) rising = true;
            else if (lrs[i] < lrs[i - 1] && rising)
            {
                peaks.Add(FirstOfPlateau(lrs, i - 1));
                rising = false;
            }
        }
        return peaks;
    }

    private static int FirstOfPlateau(IReadOnlyList<double> lrs, int i)
    {
        while (i > 0 && lrs[i - 1] == lrs[i]) i--;
        return i;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    // Five decimals: the runs that do well end within a few ten-thousandths of each other.
    private static string G(double value) =>
        !double.IsFinite(value) ? F(value, "0") : Math.Abs(value) < 1e3 ? F(value, "0.00000") : F(value, "0.00e+0");

    private static string Lr(double value) => value >= 1e-3 || value == 0 ? F(value, "0.0000") : F(value, "0.0e+0");
}
