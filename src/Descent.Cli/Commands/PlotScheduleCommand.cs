using Descent.Training;
using System.CommandLine;
using Descent.Cli.Train;
using Descent.Plots;

namespace Descent.Cli.Commands;

/// <summary><c>descent plot-schedule</c>: draws a learning-rate schedule (and its momentum) without training, as PNG and SVG.</summary>
/// <example><code>descent plot-schedule --schedule onecycle --steps 1000 --lr 0.01 --out figures</code></example>
public static class PlotScheduleCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var schedule = CliOptions.Choice("--schedule", $"The schedule: {string.Join(", ", ScheduleChoice.Names)}.", ScheduleChoice.Default, ScheduleChoice.Names, "schedule");
        // The figure shows steps 0 .. n, so n + 1 must still be a count.
        var steps = CliOptions.Long("--steps", "Optimizer steps in the run.", 1000, min: 1, max: long.MaxValue - 1);
        var lr = CliOptions.PositiveFloat("--lr", "The base (or peak) learning rate.", 0.01f);
        var momentum = CliOptions.Flag("--no-momentum", "Do not cycle momentum (as for plain SGD).");
        var output = CliOptions.OutputFolder("--out", "Folder for the figure (default: the current folder).");
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON describing the schedule.");
        var command = new Command("plot-schedule", "Draw a learning-rate schedule's rate and momentum over the steps.") { schedule, steps, lr, momentum, output, json };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, writer =>
        {
            string name = parse.GetValue(schedule)!;
            long n = parse.GetValue(steps);
            float baseLr = parse.GetValue(lr);
            var s = ScheduleChoice.Create(name, n, baseLr, cycleMomentum: !parse.GetValue(momentum));
            string folder = parse.GetValue(output) ?? ".";
            Directory.CreateDirectory(folder);
            string stem = Path.Combine(folder, $"schedule-{name}");
            var (png, svg) = TrainingFigures.ScheduleCurve(s, n + 1, baseLr, $"{name} schedule over {n} steps, lr {baseLr:g3}").Save(stem);
            // The same sampled steps as the figure: the summary of a run of billions of steps costs what the figure does.
            var samples = ScheduleSamples.Of(s, n + 1, baseLr);
            var rates = samples.Lr;
            double max = rates.Max();
            long maxStep = samples.Steps[rates.ToList().IndexOf(max)];
            writer.WriteLine($"{name}: lr from {rates[0]:g4} (step 0) to {rates[^1]:g4} (step {n}), highest {max:g4} at step {maxStep}" +
                             (s.CyclesMomentum ? $", momentum from {s.Momentum(0):g3} to {s.Momentum(n):g3}" : ""));
            writer.WriteLine($"wrote {png} and {svg}");
            if (parse.GetValue(json))
            {
                using var line = new JsonLine();
                line.String("schedule", name).Number("steps", n).Number("lr", baseLr).String("png", png).String("svg", svg)
                    .Number("first_lr", rates[0]).Number("last_lr", rates[^1]).Number("max_lr", max)
                    .Number("max_lr_step", maxStep);
                line.Writer.WriteBoolean("cycles_momentum", s.CyclesMomentum);
                writer.WriteLine(line.ToString());
            }
            return 0;
        }));
        return command;
    }
}
