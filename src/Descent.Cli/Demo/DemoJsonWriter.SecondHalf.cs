using System.Text.Json;
using Descent.Tutorial;

namespace Descent.Cli.Demo;

public static partial class DemoJsonWriter
{
    /// <summary>Schedules' curves are written at about this many evenly spaced steps.</summary>
    public const int ScheduleSamples = 50;

    private static void WriteSecondHalf(Utf8JsonWriter w, SecondHalfResult r)
    {
        var n = r.Network;
        var s = r.Settings;
        w.WriteStartObject("network");
        w.WriteNumber("points", s.Points);
        Number(w, "noise", s.Noise);
        w.WriteNumber("hidden", s.Hidden);
        w.WriteNumber("steps", s.Steps);
        Number(w, "lr", n.Mlp.Lr);
        w.WriteString("mlp_layers", n.MlpLayers);
        w.WriteNumber("line_parameters", n.LineParameters);
        w.WriteNumber("mlp_parameters", n.MlpParameters);
        Number(w, "line_initial_loss", n.Line.InitialLoss);
        Number(w, "mlp_initial_loss", n.Mlp.InitialLoss);
        Number(w, "line_loss", n.Line.FinalLoss);
        Number(w, "mlp_loss", n.Mlp.FinalLoss);
        Number(w, "best_line_loss", n.BestLineLoss);
        Number(w, "target_variance", n.TargetVariance);
        Number(w, "noise_floor", n.NoiseFloor);
        w.WriteEndObject();

        w.WriteStartArray("optimizers");
        foreach (var run in r.Optimizers)
        {
            StartRun(w, run);
            w.WriteStartArray("curve");
            foreach (float loss in run.Losses) Value(w, loss);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("schedules");
        foreach (var run in r.Schedules)
        {
            StartRun(w, run);
            var steps = SampleSteps(run.Steps, ScheduleSamples);
            w.WriteStartArray("sample_steps");
            foreach (int i in steps) w.WriteNumberValue(i);
            w.WriteEndArray();
            w.WriteStartArray("lrs");
            foreach (int i in steps) Value(w, run.Lrs[i]);
            w.WriteEndArray();
            w.WriteStartArray("losses");
            foreach (int i in steps) Value(w, run.Losses[i]);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Steps 0, k, 2k, ... below <paramref name="steps"/> with k = ⌈steps / samples⌉, and always the last step, steps − 1.</summary>
    public static int[] SampleSteps(int steps, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        int stride = (steps + samples - 1) / samples;
        var picked = new List<int>();
        for (int i = 0; i < steps; i += stride) picked.Add(i);
        if (picked[^1] != steps - 1) picked.Add(steps - 1);
        return [.. picked];
    }

    private static void StartRun(Utf8JsonWriter w, TrainingRun run)
    {
        w.WriteStartObject();
        w.WriteString("name", run.Name);
        w.WriteString("details", run.Details);
        Number(w, "lr", run.Lr);
        w.WriteNumber("steps", run.Steps);
        Number(w, "initial_loss", run.InitialLoss);
        Number(w, "final_loss", run.FinalLoss);
    }
}
