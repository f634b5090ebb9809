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
        IReadOnlyList<string>? classNames, IReadOnlyList<string>? features, FeatureScaling? scaling, string validDescription)
    {
        Spec = spec;
        Train = train;
        Valid = valid;
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
    /// Loads <paramref name="spec"/>, splits off <paramref name="valSplit"/> of it for validation by
    /// <paramref name="seed"/> (mnist: the 8,000/2,000 split at 0.2; mnist-idx: the official 60,000/10,000
    /// split, whatever the fraction) and standardizes tabular inputs with statistics of the training part.
    /// </summary>
    public static TrainingData Load(DataSpec spec, string? dataDir, ulong seed, double valSplit)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var raw = Raw(spec, dataDir, seed);
        TensorDataset train, valid;
        string description;
        if (raw.Test != null)
        {
            (train, valid) = (raw.All, raw.Test);
            description = "the official test split";
        }
        else
        {
            var (t, v) = Splits.TrainValidation(raw.All, valSplit, seed);
            (train, valid) = (Materialize(t), Materialize(v));
            description = $"{valid.Count} of {raw.All.Count} examples held out by seed {seed}";
        }
        FeatureScaling? scaling = null;
        if (!spec.IsImages)
        {
            scaling = FeatureScaling.Fit(train.Inputs);
            train = new TensorDataset(scaling.Apply(train.Inputs), train.Targets);
            valid = new TensorDataset(scaling.Apply(valid.Inputs), valid.Targets);
        }
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
            if (raw.Test != null) (data, description) = (raw.Test, $"the official test split ({raw.Test.Count} examples)");
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

    private static TensorDataset Materialize(Subset subset)
    {
        var (x, y) = subset.GetBatch(Enumerable.Range(0, subset.Count).ToArray());
        return new TensorDataset(x, y);
    }

    private sealed record RawData(TensorDataset All, TensorDataset? Test, string Task, int[] InputShape, int Outputs,
        IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? Features);

    private static RawData Raw(DataSpec spec, string? dataDir, ulong seed)
    {
        const string cls = ModelInfo.Classification, reg = ModelInfo.Regression;
        switch (spec.Name)
        {
            case "mnist":
                return new RawData(Mnist.LoadDigits(DataLocator.Find(DataLocator.MnistDigits, dataDir), asImages: true), null, cls, [1, 28, 28], 10, null, null);
            case "mnist-idx":
                string idx = DataLocator.Find(DataLocator.MnistIdx, dataDir);
                return new RawData(Mnist.LoadIdx(idx, train: true, asImages: true), Mnist.LoadIdx(idx, train: false, asImages: true), cls, [1, 28, 28], 10, null, null);
            case "iris":
                return new RawData(Iris.Load(DataLocator.Find(DataLocator.Iris, dataDir)), null, cls, [4], 3, Iris.Classes, null);
            case "moons":
                return new RawData(Synthetic.Moons(SyntheticPoints, 0.2f, new Generator(seed)), null, cls, [2], 2, null, null);
            case "spirals":
                return new RawData(Synthetic.Spirals(SpiralPoints, 3, 0.2f, new Generator(seed)), null, cls, [2], 3, null, null);
            case "sin":
                return new RawData(Synthetic.Sin(SyntheticPoints, 0.1f, new Generator(seed)), null, reg, [1], 1, null, null);
            case "csv":
                var (data, features, classes) = Csv.Load(spec.CsvPath!, spec.CsvTarget);
                if (classes.Count == 1) throw new InvalidOperationException($"{Path.GetFileName(spec.CsvPath)}: the target column holds a single class ('{classes[0]}'); nothing to learn");
                int f = features.Count;
                return classes.Count > 0
                    ? new RawData(data, null, cls, [f], classes.Count, classes, features)
                    : new RawData(new TensorDataset(data.Inputs, data.Targets.Reshape(data.Count, 1)), null, reg, [f], 1, null, features);
            default:
                throw new ArgumentException($"unknown data set '{spec.Name}'");
        }
    }
}
