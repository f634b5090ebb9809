using Descent.Data;
using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>
/// A data set ready for training: the training and validation parts as tensors, the task, one example's
/// input shape, the classes, and the standardization fitted on the training part (tabular sets only).
/// </summary>
public sealed class TrainingData
{
    /// <summary>Points drawn for <c>moons</c> and <c>sin</c>.</summary>
    public const int SyntheticPoints = 1000;

    /// <summary>Points per arm drawn for <c>spirals</c> (three arms).</summary>
    public const int SpiralPoints = 300;

    private TrainingData(DataSpec spec, TensorDataset train, TensorDataset valid, string task, int[] inputShape, int outputs,
        IReadOnlyList<string>? classNames, IReadOnlyList<string>? features, FeatureScaling? scaling, string validDescription, TensorDataset? test = null)
    {
        Spec = spec;
        Train = train;
        Valid = valid;
        Test = test;
        Task = task;
        InputShape = inputShape;
        Outputs = outputs;
        ClassNames = classNames;
        Features = features;
        Scaling = scaling;
        ValidDescription = validDescription;
    }

    /// <summary>What <c>--data</c> named.</summary>
    public DataSpec Spec { get; }

    /// <summary>The training part (standardized when <see cref="Scaling"/> is set).</summary>
    public TensorDataset Train { get; }

    /// <summary>The validation part (standardized with the training part's statistics).</summary>
    public TensorDataset Valid { get; }

    /// <summary>
    /// The test part of the image sets under the results protocol (<see cref="RecipeData"/>), evaluated once after
    /// training; null for the other sets.
    /// </summary>
    public TensorDataset? Test { get; }

    /// <summary><see cref="ModelInfo.Classification"/> or <see cref="ModelInfo.Regression"/>.</summary>
    public string Task { get; }

    /// <summary>True for a classification set.</summary>
    public bool IsClassification => Task == ModelInfo.Classification;

    /// <summary>One example's input shape.</summary>
    public int[] InputShape { get; }

    /// <summary>Classes, or 1 for regression.</summary>
    public int Outputs { get; }

    /// <summary>Class names, or null where classes are numbers.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>CSV feature columns, or null.</summary>
    public IReadOnlyList<string>? Features { get; }

    /// <summary>The standardization applied, or null.</summary>
    public FeatureScaling? Scaling { get; }

    /// <summary>How the validation part was chosen, for the printed summary.</summary>
    public string ValidDescription { get; }

    /// <summary>
    /// Loads <paramref name="spec"/> and splits it by <paramref name="seed"/>: the image sets as the results protocol
    /// does (<see cref="RecipeData.Load"/>: digits 7,000 / 1,000 / 2,000, official MNIST and Fashion-MNIST 55,000 / 5,000
    /// of the training file with the official 10,000 as test), the others with <paramref name="valSplit"/> held out
    /// for validation; tabular inputs are standardized with statistics of the training part.
    /// </summary>
    public static TrainingData Load(DataSpec spec, string? dataDir, ulong seed, double valSplit)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.HasTestPart)
        {
            var protocol = RecipeData.Load(spec.Name, seed, dataDir);
            var split = protocol.Parts[0];
            var (trainPart, validPart, test) = (Materialize(split.Train), Materialize(split.Validation!), Materialize(split.Test));
            string held = spec.Name == "mnist"
                ? $"{validPart.Count} and {test.Count} of the {trainPart.Count + validPart.Count + test.Count} digits held out by seed {seed}"
                : $"{validPart.Count} of the {trainPart.Count + validPart.Count} training images held out by seed {seed}";
            return new TrainingData(spec, trainPart, validPart, ModelInfo.Classification, protocol.InputShape, protocol.ClassNames.Count,
                spec.Name == "fashion-mnist" ? protocol.ClassNames : null, null, null, $"{held}; {test.Count} test images evaluated once after training", test);
        }
        var raw = Raw(spec, dataDir, seed);
        var (t, v) = Splits.TrainValidation(raw.All, valSplit, seed);
        var (train, valid) = (Materialize(t), Materialize(v));
        string description = $"{valid.Count} of {raw.All.Count} examples held out by seed {seed}";
        var scaling = FeatureScaling.Fit(train.Inputs);
        train = new TensorDataset(scaling.Apply(train.Inputs), train.Targets);
        valid = new TensorDataset(scaling.Apply(valid.Inputs), valid.Targets);
        return new TrainingData(spec, train, valid, raw.Task, raw.InputShape, raw.Outputs, raw.ClassNames, raw.Features, scaling, description);
    }

    /// <summary>
    /// The examples a trained model is evaluated on: the validation part of the split it was trained with when
    /// <paramref name="spec"/> is its training data, else every example of <paramref name="spec"/>; inputs are
    /// standardized with the model's statistics and class names mapped to the model's classes.
    /// </summary>
    public static (TensorDataset Data, string Description) ForModel(ModelInfo info, DataSpec spec, string? dataDir)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(spec);
        var raw = Raw(spec, dataDir, info.Seed);
        if (raw.Task != info.Task)
            throw new InvalidOperationException($"the model does {info.Task} but {spec} is a {raw.Task} set");
        if (info.Features != null && raw.Features != null && !info.Features.SequenceEqual(raw.Features))
            raw = raw with { All = SelectColumns(raw.All, raw.Features, info.Features, spec), InputShape = [info.Features.Count] };
        if (raw.InputShape.Aggregate(1, (a, b) => a * b) != info.Inputs)
            throw new InvalidOperationException($"the model reads {info.Inputs} inputs per example but {spec} has {raw.InputShape.Aggregate(1, (a, b) => a * b)}");
        TensorDataset data;
        string description;
        if (spec.ModelRecord == info.Data)
        {
            if (spec.HasTestPart)
            {
                data = Materialize(RecipeData.Load(spec.Name, info.Seed, dataDir).Parts[0].Test);
                description = $"the test part of its training split ({data.Count} examples, seed {info.Seed})";
            }
            else
            {
                data = Materialize(Splits.TrainValidation(raw.All, info.ValSplit, info.Seed).Validation);
                description = $"the validation part of its training split ({data.Count} of {raw.All.Count} examples, seed {info.Seed})";
            }
        }
        else (data, description) = (raw.All, $"all {raw.All.Count} examples of {spec}");
        var inputs = data.Inputs.Reshape([data.Count, .. info.InputShape]);
        if (info.Scaling != null) inputs = info.Scaling.Apply(inputs.Reshape(data.Count, info.Inputs));
        var targets = data.Targets;
        if (info.IsClassification) targets = MapClasses(targets, raw.ClassNames, info);
        return (new TensorDataset(inputs, targets), description);
    }

    private static Tensor MapClasses(Tensor targets, IReadOnlyList<string>? names, ModelInfo info)
    {
        var t = targets.ToArray();
        for (int i = 0; i < t.Length; i++)
        {
            int c = (int)t[i];
            if (names != null && info.ClassNames != null)
            {
                int mapped = info.ClassNames.ToList().IndexOf(names[c]);
                if (mapped < 0) throw new InvalidOperationException($"class '{names[c]}' is not one the model knows ({string.Join(", ", info.ClassNames)})");
                c = mapped;
            }
            if (c < 0 || c >= info.Outputs) throw new InvalidOperationException($"class {c} is outside the model's {info.Outputs} classes");
            t[i] = c;
        }
        return Tensor.Create(t, targets.Shape);
    }

    /// <summary>The columns named <paramref name="wanted"/>, in that order, of a set whose columns are <paramref name="have"/>.</summary>
    private static TensorDataset SelectColumns(TensorDataset data, IReadOnlyList<string> have, IReadOnlyList<string> wanted, DataSpec spec)
    {
        var missing = wanted.Where(n => !have.Contains(n)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"{spec} lacks the model's feature column(s) {string.Join(", ", missing)}");
        var index = wanted.Select(n => have.ToList().IndexOf(n)).ToArray();
        int n = data.Count, f = have.Count;
        var src = data.Inputs.Data;
        var x = new float[n * index.Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < index.Length; j++) x[i * index.Length + j] = src[i * f + index[j]];
        return new TensorDataset(Tensor.Create(x, [n, index.Length]), data.Targets);
    }

    private static TensorDataset Materialize(Dataset part)
    {
        if (part is TensorDataset whole) return whole;
        var (x, y) = part.GetBatch(Enumerable.Range(0, part.Count).ToArray());
        return new TensorDataset(x, y);
    }

    private sealed record RawData(TensorDataset All, string Task, int[] InputShape, int Outputs,
        IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? Features);

    private static RawData Raw(DataSpec spec, string? dataDir, ulong seed)
    {
        const string cls = ModelInfo.Classification, reg = ModelInfo.Regression;
        switch (spec.Name)
        {
            case "mnist":
                return new RawData(Mnist.LoadDigits(DataLocator.Find(DataLocator.MnistDigits, dataDir), asImages: true), cls, [1, 28, 28], 10, null, null);
            case "mnist-idx":
                return new RawData(Mnist.LoadIdx(DataLocator.Find(DataLocator.MnistIdx, dataDir), train: true, asImages: true), cls, [1, 28, 28], 10, null, null);
            case "fashion-mnist":
                return new RawData(FashionMnist.Load(RecipeData.LocateFashion(dataDir), train: true, asImages: true), cls, [1, 28, 28], 10, FashionMnist.Classes, null);
            case "iris":
                return new RawData(Iris.Load(DataLocator.Find(DataLocator.Iris, dataDir)), cls, [4], 3, Iris.Classes, null);
            case "moons":
                return new RawData(Synthetic.Moons(SyntheticPoints, 0.2f, new Generator(seed)), cls, [2], 2, null, null);
            case "spirals":
                return new RawData(Synthetic.Spirals(SpiralPoints, 3, 0.2f, new Generator(seed)), cls, [2], 3, null, null);
            case "sin":
                return new RawData(Synthetic.Sin(SyntheticPoints, 0.1f, new Generator(seed)), reg, [1], 1, null, null);
            case "csv":
                var (data, features, classes) = Csv.Load(spec.CsvPath!, spec.CsvTarget);
                if (classes.Count == 1) throw new InvalidOperationException($"{Path.GetFileName(spec.CsvPath)}: the target column holds a single class ('{classes[0]}'); nothing to learn");
                int f = features.Count;
                return classes.Count > 0
                    ? new RawData(data, cls, [f], classes.Count, classes, features)
                    : new RawData(new TensorDataset(data.Inputs, data.Targets.Reshape(data.Count, 1)), reg, [f], 1, null, features);
            default:
                throw new ArgumentException($"unknown data set '{spec.Name}'");
        }
    }
}
