using System.Globalization;
using Descent.Tutorial;

namespace Descent.Cli.Demo;

/// <summary>Prints a <see cref="LineResult"/> as the tutorial's story, in plain text that reads well in any terminal or log.</summary>
public static class DemoTextWriter
{
    private const int BarWidth = 40;

    /// <summary>Writes the story to <paramref name="output"/>.</summary>
    /// <example><code>DemoTextWriter.Write(LinearRegressionStory.Run(new LineSettings()), Console.Out);</code></example>
    public static void Write(LineResult r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        var s = r.Settings;
        var t = r.Theory;
        var w = output;

        w.WriteLine($"Fitting a line to {s.Points} noisy points (seed {s.Seed}): x ~ U(0, 1), " +
               $"y = {F(LineSettings.Slope, "0.#")}x + {F(LineSettings.Intercept, "0.#")} + {F(LineSettings.Noise, "0.0#")}·N(0, 1)");
        w.WriteLine();
        w.WriteLine("1. How wrong is a guess? The mean squared error of y_hat = a·x + b:");
        w.WriteLine($"   a = 0, b = 0:  MSE = {F(r.LossAt00, "0.00")}   (expected over random draws: {F(t.ExpectedLossAt00, "0.00")})");
        w.WriteLine($"   a = 1, b = 1:  MSE = {F(r.LossAt11, "0.00")}   (expected over random draws: {F(t.ExpectedLossAt11, "0.00")})");
        w.WriteLine();

        w.WriteLine($"2. The loss along a = b, from 0 to {F(LinearRegressionStory.SweepMax, "0")}:");
        WriteSweep(r, w);
        w.WriteLine($"   lowest on the grid (step 0.01): a = b = {F(r.BestAEqualsB, "0.00")}, MSE = {F(r.BestAEqualsBLoss, "0.000")}" +
               $"   (exact for this data: {F(t.BestAEqualsB, "0.000")}; expected over draws: {F(t.ExpectedBestAEqualsB, "0.000")})");
        w.WriteLine();

        w.WriteLine($"3. Gradient descent, lr = {F(s.LearningRate, "0.###")}, from a random start " +
               $"(a, b) = ({F(r.StartA, "0.000")}, {F(r.StartB, "0.000")}):");
        w.WriteLine("     step         a         b        loss");
        foreach (var p in r.Main.Trajectory)
            w.WriteLine($"   {p.Step,6}  {F(p.A, "0.0000"),8}  {F(p.B, "0.0000"),8}  {F(p.Loss, "0.000000"),10}");
        w.WriteLine($"   ended at      a = {F(r.Main.A, "0.0000")}, b = {F(r.Main.B, "0.0000")}, loss = {F(r.Main.FinalLoss, "0.000000")} ({r.Main.OutcomeText})");
        w.WriteLine($"   least squares a = {F(t.LeastSquaresA, "0.0000")}, b = {F(t.LeastSquaresB, "0.0000")}, " +
               $"loss = {F(t.LeastSquaresLoss, "0.000000")} (closed form)");
        w.WriteLine($"   distance:     |Δa| = {F(Math.Abs(r.Main.A - t.LeastSquaresA), "0.0000")}, " +
               $"|Δb| = {F(Math.Abs(r.Main.B - t.LeastSquaresB), "0.0000")}");
        w.WriteLine();

        w.WriteLine("4. The learning rate. The MSE's Hessian H = 2·[[mean x², mean x], [mean x, 1]] has eigenvalues " +
               $"{F(t.HessianMinEigenvalue, "0.000")} and {F(t.HessianMaxEigenvalue, "0.000")},");
        w.WriteLine($"   so descent is stable only for lr < 2/λmax = {F(t.MaxStableLearningRate, "0.000")}. " +
               $"The same {s.Steps} steps from the same start");
        w.WriteLine("   (\"a flips\": how often an update of a reversed the previous one's direction):");
        w.WriteLine("         lr   steps   start loss    final loss           a           b   a flips   outcome");
        foreach (var run in r.LearningRates)
        {
            string note = run.StoppedEarly ? $" (stopped: loss passed {LineDescent.BlowUpFactor:0e0} × its start)" : "";
            w.WriteLine($"   {F(run.LearningRate, "0.###"),8}  {run.Steps,6}  {F(run.InitialLoss, "0.0000"),11}  " +
                   $"{G(run.FinalLoss),12}  {G(run.A),10}  {G(run.B),10}   {F(run.FlipFraction, "0%"),7}   {run.OutcomeText}{note}");
        }
    }

    private static void WriteSweep(LineResult r, TextWriter w)
    {
        // One row per whole number on the grid, with a bar scaled to the largest loss shown.
        var rows = r.Sweep.Where(p => Math.Abs(p.C - MathF.Round(p.C)) < 1e-4f).ToList();
        float max = rows.Count == 0 ? 1 : rows.Max(p => p.Loss);
        w.WriteLine("     a=b      MSE");
        foreach (var p in rows)
        {
            int bar = max > 0 ? (int)Math.Round(BarWidth * p.Loss / max) : 0;
            w.WriteLine($"   {F(p.C, "0"),5}  {F(p.Loss, "0.00"),7}  {new string('#', Math.Max(bar, 1))}");
        }
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    // Diverging runs reach huge values: switch to exponent notation instead of printing long digit strings.
    private static string G(double value) =>
        Math.Abs(value) < 1e5 ? F(value, "0.0000") : F(value, "0.00e+0");
}
