using System.CommandLine;
using System.Globalization;
using Descent.Cli.Training;
using Descent.Plots;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent lr-find</c>: fastai's learning-rate range test on the model and data that <c>descent train</c> would
/// use with the same flags; prints the suggested rates and, with <c>--plots</c>, draws the curve.
/// </summary>
/// <example><code>descent lr-find --data mnist --model mlp:256,128 --optimizer adam</code></example>
public static class LrFindCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var shared = new TrainOptionSet();
        var iterations = CliOptions.Int("--iterations", "Batches in the sweep (fastai's num_it).", 100, min: 6);
        var plots = CliOptions.OutputFolder("--plots", "Write the LR-finder curve (PNG and SVG) into this folder.");
        var command = new Command("lr-find", "Sweep the learning rate upward over batches and suggest one (fastai's LR finder).");
        foreach (var option in shared.All) command.Options.Add(option);
        command.Options.Add(iterations);
        command.Options.Add(plots);
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output => shared.WithThreads(parse, () =>
        {
            var settings = shared.Read(parse);
            settings.CheckCombination();
            var data = TrainingData.Load(settings.Data, settings.DataDir, settings.Seed, settings.ValSplit);
            var session = TrainingSession.Create(settings, data, progress: null);
            TrainText.WriteHeader(session, output);
            var found = session.Learner.LrFind(numIter: parse.GetValue(iterations));
            var c = CultureInfo.InvariantCulture;
            output.WriteLine($"swept {found.Lrs.Count} batches from lr {found.Lrs[0].ToString("g3", c)} to {found.Lrs[^1].ToString("g3", c)}" +
                             (found.Diverged ? " (stopped: the loss diverged)" : ""));
            foreach (var s in new[] { found.Valley, found.Steep, found.Minimum })
                output.WriteLine($"  {s.Method,-8} lr {s.Lr.ToString("g3", c)}");
            output.WriteLine($"suggested: --lr {found.Suggestion.ToString("g3", c)} (valley)");
            string? figure = null;
            if (parse.GetValue(plots) is string folder)
            {
                Directory.CreateDirectory(folder);
                figure = TrainingFigures.LrFinderCurve(found).Save(Path.Combine(folder, "lr-find")).Png;
                output.WriteLine($"wrote {figure} (and .svg)");
            }
            if (parse.GetValue(shared.Json))
            {
                using var line = new JsonLine();
                line.String("data", settings.Data.ToString()).String("model", settings.Model.ToString()).String("optimizer", settings.Optimizer)
                    .Number("suggestion", found.Suggestion).Number("valley", found.Valley.Lr).Number("steep", found.Steep.Lr)
                    .Number("minimum", found.Minimum.Lr).Number("iterations", found.Lrs.Count).String("figure", figure);
                line.Writer.WriteBoolean("diverged", found.Diverged);
                output.WriteLine(line.ToString());
            }
            return 0;
        })));
        return command;
    }
}
