using System.CommandLine;
using Descent.Cli.Train;
using Descent.Nn;

namespace Descent.Cli.Commands;

/// <summary>
/// The data, model and training flags shared by <c>descent train</c> and <c>descent lr-find</c>; the range test
/// sets its own rates, so without <paramref name="training"/> there is no <c>--epochs</c>, <c>--lr</c> or <c>--schedule</c>.
/// </summary>
public sealed class TrainOptionSet(bool training = true)
{
    private static readonly TrainSettings Defaults = new(new DataSpec("moons"), ModelSpec.Parse("mlp"));

    /// <summary><c>--data</c>, required.</summary>
    public Option<DataSpec?> Data { get; } = Required(CliOptions.Custom<DataSpec?>("--data",
        $"The data: {string.Join(", ", DataSpec.Names)} ({DataSpec.CsvRules}).", null, DataSpec.Parse));

    /// <summary><c>--data-dir</c>.</summary>
    public Option<string?> DataDir { get; } = CliOptions.ExistingFolder("--data-dir",
        "Folder holding the data tarballs (default: the current folder, then $DESCENT_DATA, then ../shared/data).");

    /// <summary><c>--model</c>.</summary>
    public Option<ModelSpec> Model { get; } = CliOptions.Custom("--model",
        $"The model: {string.Join(", ", ModelSpec.Forms)} (default mlp:256,128).", Defaults.Model, ParseModel);

    // The library reports a bad spec as a FormatException; the command line reports it as --model's fault.
    private static ModelSpec ParseModel(string text)
    {
        try
        {
            return ModelSpec.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliValueException(e.Message);
        }
    }

    /// <summary><c>--epochs</c>.</summary>
    public Option<int> Epochs { get; } = CliOptions.Int("--epochs", "Epochs to train (the total when resuming).", Defaults.Epochs, min: 1);

    /// <summary><c>--batch-size</c>.</summary>
    public Option<int> BatchSize { get; } = CliOptions.Int("--batch-size", "Examples per training batch.", Defaults.BatchSize, min: 1);

    /// <summary><c>--optimizer</c>.</summary>
    public Option<string> Optimizer { get; } = CliOptions.Choice("--optimizer",
        $"The optimizer: {string.Join(", ", OptimizerChoice.Names)}.", OptimizerChoice.Default, OptimizerChoice.Names, "optimizer");

    /// <summary><c>--lr</c>.</summary>
    public Option<float?> Lr { get; } = CliOptions.OptionalPositiveFloat("--lr",
        "Learning rate, the peak of onecycle and cyclic (default: 0.003 for adam/adamw, 0.001 rmsprop, 0.1 sgd, 0.05 momentum).");

    /// <summary><c>--schedule</c>.</summary>
    public Option<string> Schedule { get; } = CliOptions.Choice("--schedule",
        $"Learning-rate schedule per batch: {string.Join(", ", ScheduleChoice.Names)}.", ScheduleChoice.Default, ScheduleChoice.Names, "schedule");

    /// <summary><c>--weight-decay</c>.</summary>
    public Option<float> WeightDecay { get; } = CliOptions.NonNegativeFloat("--weight-decay", "Weight decay (L2; decoupled for adamw).", 0f);

    /// <summary><c>--dropout</c>.</summary>
    public Option<float> Dropout { get; } = CliOptions.Probability("--dropout", "Dropout rate after each hidden layer.", 0f);

    /// <summary><c>--val-split</c>.</summary>
    public Option<double> ValSplit { get; } = CliOptions.Fraction("--val-split",
        "Fraction held out for validation (mnist-idx always uses the official test split).", Defaults.ValSplit);

    /// <summary><c>--seed</c>.</summary>
    public Option<ulong> Seed { get; } = CliOptions.Seed("--seed", "Seed for the split, the weights, the shuffling and dropout.", 0);

    /// <summary><c>--threads</c>.</summary>
    public Option<int?> Threads { get; } = CliOptions.OptionalInt("--threads", "Threads for the kernels (default: all cores).", min: 1);

    /// <summary><c>--json</c>.</summary>
    public Option<bool> Json { get; } = CliOptions.Flag("--json", "End stdout with one line of JSON holding the results.");

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All => training
        ? [Data, DataDir, Model, Epochs, BatchSize, Optimizer, Lr, Schedule, WeightDecay, Dropout, ValSplit, Seed, Threads, Json]
        : [Data, DataDir, Model, BatchSize, Optimizer, WeightDecay, Dropout, ValSplit, Seed, Threads, Json];

    /// <summary>The settings these options hold in <paramref name="parse"/>.</summary>
    public TrainSettings Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var settings = new TrainSettings(parse.GetValue(Data)!, parse.GetValue(Model)!, BatchSize: parse.GetValue(BatchSize),
            Optimizer: parse.GetValue(Optimizer)!, WeightDecay: parse.GetValue(WeightDecay), Dropout: parse.GetValue(Dropout),
            ValSplit: parse.GetValue(ValSplit), Seed: parse.GetValue(Seed), DataDir: parse.GetValue(DataDir));
        if (!training) return settings with { Schedule = "constant" };
        return settings with { Epochs = parse.GetValue(Epochs), Lr = parse.GetValue(Lr), Schedule = parse.GetValue(Schedule)! };
    }

    /// <summary>Sets <see cref="Descent.Threads.Count"/> from <c>--threads</c> for the duration of <paramref name="body"/>.</summary>
    public int WithThreads(ParseResult parse, Func<int> body) => WithThreads(parse.GetValue(Threads), body);

    /// <summary>Sets <see cref="Descent.Threads.Count"/> to <paramref name="threads"/> (when given) for the duration of <paramref name="body"/>.</summary>
    public static int WithThreads(int? threads, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int before = Descent.Threads.Count;
        if (threads is int t) Descent.Threads.Count = t;
        try
        {
            return body();
        }
        finally
        {
            Descent.Threads.Count = before;
        }
    }

    private static Option<T> Required<T>(Option<T> option)
    {
        // An option with a default counts as given, so a required one must have none.
        option.DefaultValueFactory = null;
        option.Required = true;
        return option;
    }
}
