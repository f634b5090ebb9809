namespace Descent.Data;

/// <summary>Random splits of a dataset, reproducible from a seed.</summary>
public static partial class Splits
{
    /// <summary>
    /// Splits into subsets of the given lengths (which must add up to the dataset's size), like
    /// <c>torch.utils.data.random_split</c>.
    /// </summary>
    public static Subset[] RandomSplit(Dataset dataset, int[] lengths, Generator? generator = null)
    {
        if (lengths.Any(l => l < 0) || lengths.Sum() != dataset.Count)
            throw new ArgumentException($"RandomSplit: lengths [{string.Join(", ", lengths)}] must be non-negative and add up to the dataset's {dataset.Count} examples");
        var perm = (generator ?? Generator.Default).Permutation(dataset.Count);
        var result = new Subset[lengths.Length];
        int at = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            result[i] = new Subset(dataset, perm[at..(at + lengths[i])]);
            at += lengths[i];
        }
        return result;
    }

    /// <summary>
    /// Splits into subsets by fractions that add up to 1; rounding leftovers go to the first subsets
    /// one by one, as PyTorch does.
    /// </summary>
    public static Subset[] RandomSplit(Dataset dataset, double[] fractions, Generator? generator = null)
    {
        if (fractions.Any(f => f < 0 || f > 1) || Math.Abs(fractions.Sum() - 1) > 1e-6)
            throw new ArgumentException($"RandomSplit: fractions [{string.Join(", ", fractions)}] must lie in [0, 1] and add up to 1");
        var lengths = fractions.Select(f => (int)Math.Floor(f * dataset.Count)).ToArray();
        int left = dataset.Count - lengths.Sum();
        for (int i = 0; i < left; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }

    /// <summary>A training and validation split with <paramref name="validationFraction"/> of the examples held out.</summary>
    /// <example><code>var (train, valid) = Splits.TrainValidation(digits, 0.2, seed: 0);</code></example>
    public static (Subset Train, Subset Validation) TrainValidation(Dataset dataset, double validationFraction, ulong seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, $"TrainValidation: validationFraction must be in (0, 1); got {validationFraction}");
        int valid = (int)Math.Round(dataset.Count * validationFraction);
        var parts = RandomSplit(dataset, [dataset.Count - valid, valid], new Generator(seed));
        return (parts[0], parts[1]);
    }
}
