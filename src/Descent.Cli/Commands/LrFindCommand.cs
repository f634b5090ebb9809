using System.CommandLine;
using Descent.Cli.LrFind;
using Descent.Cli.Problems;
using Descent.Cli.Train;
using Descent.Plots;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent lr-find</c>: fastai's learning-rate range test. <c>--data sin</c> alone sweeps the demo's sin problem
/// (its MLP, full batch, Adam); any other data, or any model or training flag, sweeps the model and data that
/// <c>descent train</c> would build from the same flags.
/// </summary>
/// <example><code>descent lr-find --data mnist --model mlp:256,128 --plots out</code></example>
public static class LrFindCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var shared = new TrainOptionSet(training: false);
        var iterations = CliOptions.Int("--iterations", "Batches in the sweep (fastai's num_it).", LrFindRun.Iterations, min: 6);
        var plots = CliOptions.OutputFolder("--plots", "Write the LR-finder curve (PNG and SVG) into this folder.");
        var command = new Command("lr-find",
            FormattableString.Invariant($"Sweep the learning rate from {LrFindRun.StartLr:0e0} to {LrFindRun.EndLr:0} and suggest one (fastai's range test)."));
        foreach (var option in shared.All) command.Options.Add(option);
        command.Options.Add(iterations);
        command.Options.Add(plots);
        Option[] general = [shared.Model, shared.BatchSize, shared.Optimizer, shared.WeightDecay, shared.Dropout, shared.ValSplit, shared.DataDir, iterations];
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output => shared.WithThreads(parse, () =>
        {
            var settings = shared.Read(parse);
            bool demoProblem = settings.Data.Name == "sin" && general.All(o => parse.GetResult(o) is null or { Implicit: true });
            var result = demoProblem ? LrFindRun.Run(DataChoice.Sin, settings.Seed) : Sweep(settings, parse.GetValue(iterations), output);
            LrFindTextWriter.Write(result, output);
            if (parse.GetValue(plots) is string folder)
            {
                Directory.CreateDirectory(folder);
                var (png, _) = TrainingFigures.LrFinderCurve(result.Finder).Save(Path.Combine(folder, "lr-find"));
                output.WriteLine($"wrote {png} (and .svg)");
            }
            if (parse.GetValue(shared.Json)) output.WriteLine(LrFindJsonWriter.ToJson(result));
            return 0;
        })));
        return command;
    }

    /// <summary>The range test on the model and data <c>descent train</c> would build from <paramref name="settings"/>, over its training loader.</summary>
    public static LrFindResult Sweep(TrainSettings settings, int iterations, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        settings.CheckCombination();
        var data = TrainingData.Load(settings.Data, settings.DataDir, settings.Seed, settings.ValSplit);
        var session = TrainingSession.Create(settings, data, progress: null);
        TrainText.WriteHeader(session, log, training: false);
        var finder = session.Learner.LrFind(LrFindRun.StartLr, LrFindRun.EndLr, iterations);
        return new LrFindResult($"{settings.Data} ({settings.Model})", settings.Seed, settings.Optimizer, LrFindRun.StartLr, LrFindRun.EndLr, iterations, finder);
    }
}
