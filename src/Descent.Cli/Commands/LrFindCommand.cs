using System.CommandLine;
using Descent.Cli.LrFind;

namespace Descent.Cli.Commands;

/// <summary><c>descent lr-find</c>: fastai's learning-rate range test on a named data set and its model.</summary>
public static class LrFindCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var data = CliOptions.Data("--data", "The data set (and the model that goes with it).");
        var seed = CliOptions.Seed("--seed", "Seed for the data and the model's initial weights.", 0);
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the curve and the suggestions.");
        var command = new Command("lr-find",
            FormattableString.Invariant($"Sweep the learning rate from {LrFindRun.StartLr:0e0} to {LrFindRun.EndLr:0} and suggest one (fastai's range test)."))
        {
            data, seed, json,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return CliErrors.Guard(CliErrors.CommandPath(parse.CommandResult), parse.GetValue(verbose),
                parse.InvocationConfiguration.Error, () =>
                {
                    var result = LrFindRun.Run(parse.GetValue(data)!, parse.GetValue(seed));
                    LrFindTextWriter.Write(result, output);
                    if (parse.GetValue(json)) output.WriteLine(LrFindJsonWriter.ToJson(result));
                    return 0;
                });
        });
        return command;
    }
}
