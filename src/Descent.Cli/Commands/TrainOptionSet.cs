using System.CommandLine;
using Descent.Cli.Train;
using Descent.Nn;
using Descent.Training;

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

    /// <summary><c>--model</c>: a recipe's name for the data (<c>mlp</c>, <c>cnn</c>, <c>cnn-long</c>) or a model spec.</summary>
    public Option<string> Model { get; } = CliOptions.Custom("--model",
        $"The model: a recipe of the data ({string.Join(", ", Recipes.All.Select(r => r.Name).Distinct())}; see `descent train --data D --model M --dry-run`) " +
        $"or {string.Join(", ", ModelSpec.Forms)} (default: the data's mlp recipe, else mlp:256,128). Other flags change only their field of the recipe.",
        "mlp", CheckModel);

    // The library reports a bad spec as a FormatException; the command line reports it as --model's fault.
    private static string CheckModel(string text)
    {
        if (Recipes.All.Any(r => r.Name == text)) return text;
        try
        {
            ModelSpec.Parse(text);
            return text;
        }
        catch (FormatException e)
        {
            throw new CliValueException(e.Message);
        }
    }

    /// <summary><c>--label-smoothing</c>.</summary>
    public Option<float> LabelSmoothing { get; } = CliOptions.Probability("--label-smoothing", "Cross-entropy's label smoothing (classification).", 0f);

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
        "Fraction held out for validation (the image sets use the results protocol's split: see README, Results).", Defaults.ValSplit);

    /// <summary><c>--seed</c>.</summary>
    public Option<ulong> Seed { get; } = CliOptions.Seed("--seed", "Seed for the split, the weights, the shuffling and dropout.", 0);

    /// <summary><c>--threads</c>.</summary>
    public Option<int?> Threads { get; } = CliOptions.OptionalInt("--threads", "Threads for the kernels (default: all cores).", min: 1);

    /// <summary><c>--json</c>.</summary>
    public Option<bool> Json { get; } = CliOptions.Flag("--json", "End stdout with one line of JSON holding the results.");

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All => training
        ? [Data, DataDir, Model, Epochs, BatchSize, Optimizer, Lr, Schedule, WeightDecay, Dropout, LabelSmoothing, ValSplit, Seed, Threads, Json]
        : [Data, DataDir, Model, BatchSize, Optimizer, WeightDecay, Dropout, LabelSmoothing, ValSplit, Seed, Threads, Json];

    /// <summary>
    /// The settings these options hold in <paramref name="parse"/>: the recipe of <c>--data</c> and <c>--model</c>
    /// (<see cref="Recipes.For"/>) with each flag given on the command line replacing its field; without a recipe
    /// (a data set or model that has none) the flags and their defaults.
    /// </summary>
    public TrainSettings Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var data = parse.GetValue(Data)!;
        string modelText = parse.GetValue(Model)!;
        if (data.HasTestPart && Given(parse, ValSplit))
            throw new CliUsageException($"--val-split: {data} is split by the results protocol (see README, Results), not by a fraction; --val-split applies to the other data sets");
        var recipe = Recipes.For(data.Name, modelText);
        T Pick<T>(Option<T> option, T fromRecipe) => recipe != null && !Given(parse, option) ? fromRecipe : parse.GetValue(option)!;
        ModelSpec model = Recipes.Find(data.Name, modelText) is { } named ? named.Model : ParseModelFor(modelText, data);
        var settings = new TrainSettings(data, model, BatchSize: Pick(BatchSize, recipe?.BatchSize ?? 0),
            Optimizer: Pick(Optimizer, recipe?.Optimizer!), WeightDecay: Pick(WeightDecay, recipe?.WeightDecay ?? 0),
            Dropout: Pick(Dropout, recipe?.Dropout ?? 0), LabelSmoothing: Pick(LabelSmoothing, recipe?.LabelSmoothing ?? 0),
            ValSplit: parse.GetValue(ValSplit), Seed: parse.GetValue(Seed), DataDir: parse.GetValue(DataDir), Recipe: recipe);
        if (!training) return settings with { Schedule = "constant" };
        return settings with { Epochs = Pick(Epochs, recipe?.Epochs ?? 0), Lr = Pick(Lr, recipe?.Lr), Schedule = Pick(Schedule, recipe?.Schedule!) };
    }

    /// <summary>The flags of <paramref name="parse"/> given on the command line that replace a field of the recipe, as text.</summary>
    public IReadOnlyList<string> Overrides(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        Option[] fields = [Model, Epochs, BatchSize, Optimizer, Lr, Schedule, WeightDecay, Dropout, LabelSmoothing];
        // A recipe's own name picks the recipe rather than changing it.
        bool namesRecipe = Recipes.Find(parse.GetValue(Data)!.Name, parse.GetValue(Model)!) != null;
        return [.. fields.Where(o => Given(parse, o) && !(o == Model && namesRecipe)).Select(o => $"{o.Name} {parse.GetResult(o)!.Tokens.LastOrDefault()?.Value}")];
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static ModelSpec ParseModelFor(string text, DataSpec data)
    {
        try
        {
            return ModelSpec.Parse(text);
        }
        catch (FormatException)
        {
            var owners = Recipes.All.Where(r => r.Name == text).Select(r => r.Data);
            throw new CliUsageException($"--model {text} is a recipe of {string.Join(", ", owners)} only; {data} has {string.Join(", ", Recipes.All.Where(r => r.Data == data.Name).Select(r => r.Name).DefaultIfEmpty("no recipes"))}");
        }
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
