using System.Text.Json;
using Descent.Tutorial;

namespace Descent.Cli.Demo;

/// <summary>Writes a <see cref="LineResult"/> as one line of JSON with snake_case keys, for scripts and tests.</summary>
public static partial class DemoJsonWriter
{
    /// <summary>The result as a single-line JSON object.</summary>
    /// <example><code>Console.WriteLine(DemoJsonWriter.ToJson(LinearRegressionStory.Run(new LineSettings())));</code></example>
    public static string ToJson(LineResult r) => ToJson(r, null);

    /// <summary>
    /// The result as a single-line JSON object, with the second half's <c>network</c>, <c>optimizers</c> and
    /// <c>schedules</c> when given, and the <c>report</c>'s folder and files when one was written.
    /// </summary>
    /// <example><code>Console.WriteLine(DemoJsonWriter.ToJson(first, SecondHalf.Run(new NetworkSettings())));</code></example>
    public static string ToJson(LineResult r, SecondHalfResult? secondHalf, Report.ReportResult? report = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var t = r.Theory;
            w.WriteStartObject();
            w.WriteNumber("seed", r.Settings.Seed);
            w.WriteNumber("points", r.Settings.Points);
            w.WriteNumber("steps", r.Settings.Steps);
            w.WriteNumber("lr", r.Settings.LearningRate);
            Number(w, "loss_at_0_0", r.LossAt00);
            Number(w, "loss_at_1_1", r.LossAt11);
            Number(w, "expected_loss_at_0_0", t.ExpectedLossAt00);
            Number(w, "expected_loss_at_1_1", t.ExpectedLossAt11);
            Number(w, "best_a_equals_b", r.BestAEqualsB);
            Number(w, "best_a_equals_b_loss", r.BestAEqualsBLoss);
            Number(w, "exact_best_a_equals_b", t.BestAEqualsB);
            Number(w, "expected_best_a_equals_b", t.ExpectedBestAEqualsB);
            Number(w, "start_a", r.StartA);
            Number(w, "start_b", r.StartB);
            Number(w, "a", r.Main.A);
            Number(w, "b", r.Main.B);
            Number(w, "loss", r.Main.FinalLoss);
            w.WriteString("outcome", r.Main.OutcomeText);
            Number(w, "least_squares_a", t.LeastSquaresA);
            Number(w, "least_squares_b", t.LeastSquaresB);
            Number(w, "least_squares_loss", t.LeastSquaresLoss);
            w.WriteStartArray("hessian_eigenvalues");
            Value(w, t.HessianMinEigenvalue);
            Value(w, t.HessianMaxEigenvalue);
            w.WriteEndArray();
            Number(w, "max_stable_lr", t.MaxStableLearningRate);
            w.WriteStartArray("trajectory");
            foreach (var p in r.Main.Trajectory) Snapshot(w, p);
            w.WriteEndArray();
            w.WriteStartArray("learning_rates");
            foreach (var run in r.LearningRates) Run(w, run);
            w.WriteEndArray();
            if (secondHalf != null) WriteSecondHalf(w, secondHalf);
            if (report != null) WriteReport(w, report);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Run(Utf8JsonWriter w, DescentRun run)
    {
        w.WriteStartObject();
        Number(w, "lr", run.LearningRate);
        w.WriteNumber("steps", run.Steps);
        w.WriteBoolean("stopped_early", run.StoppedEarly);
        Number(w, "initial_loss", run.InitialLoss);
        Number(w, "final_loss", run.FinalLoss);
        Number(w, "a", run.A);
        Number(w, "b", run.B);
        Number(w, "flip_fraction", run.FlipFraction);
        w.WriteString("outcome", run.OutcomeText);
        w.WriteEndObject();
    }

    private static void Snapshot(Utf8JsonWriter w, DescentSnapshot p)
    {
        w.WriteStartObject();
        w.WriteNumber("step", p.Step);
        Number(w, "a", p.A);
        Number(w, "b", p.B);
        Number(w, "loss", p.Loss);
        w.WriteEndObject();
    }

    // JSON has no NaN or infinity: a non-finite value (a diverged run) is written as null.
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        Value(w, value);
    }

    private static void Number(Utf8JsonWriter w, string name, float value)
    {
        w.WritePropertyName(name);
        if (float.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }

    private static void Value(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }
}
