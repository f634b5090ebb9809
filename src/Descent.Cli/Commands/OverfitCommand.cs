using System.CommandLine;
using Descent.Cli.Demo;
using Descent.Tutorial;

namespace Descent.Cli.Commands;

/// <summary><c>descent demo overfit</c>: a large MLP memorizes a few noisy points; weight decay, dropout and early stopping each close the gap.</summary>
public static class OverfitCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var d = new OverfitSettings();
        var seed = CliOptions.Seed("--seed", "Seed for the points, the weights and dropout.", d.Seed);
        var points = CliOptions.Int("--points", "Noisy training points.", d.TrainPoints, min: 2);
        var noise = CliOptions.NonNegativeFloat("--noise", "Standard deviation of the noise on the points.", d.Noise);
        var epochs = CliOptions.Int("--epochs", "Epochs of each run.", d.Epochs, min: 1);
        var lr = CliOptions.PositiveFloat("--lr", "Adam's learning rate.", d.LearningRate);
        var weightDecay = CliOptions.PositiveFloat("--weight-decay", "Weight decay of the weight-decay run (AdamW).", d.WeightDecay);
        var dropout = CliOptions.Fraction("--dropout", "Dropout rate of the dropout run, in (0, 1).", d.Dropout);
        var patience = CliOptions.Int("--patience", "Early stopping's patience in epochs.", d.Patience, min: 1);
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding every number.");
        var command = new Command("overfit", "Overfitting and its cures: weight decay, dropout and early stopping, with the numbers.")
        {
            seed, points, noise, epochs, lr, weightDecay, dropout, patience, json,
        };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            var settings = d with
            {
                Seed = parse.GetValue(seed),
                TrainPoints = parse.GetValue(points),
                Noise = parse.GetValue(noise),
                Epochs = parse.GetValue(epochs),
                LearningRate = parse.GetValue(lr),
                WeightDecay = parse.GetValue(weightDecay),
                Dropout = (float)parse.GetValue(dropout),
                Patience = parse.GetValue(patience),
            };
            var result = OverfitStory.Run(settings);
            OverfitText.Write(result, output);
            if (parse.GetValue(json)) output.WriteLine(OverfitText.ToJson(result));
            return 0;
        }));
        return command;
    }
}
