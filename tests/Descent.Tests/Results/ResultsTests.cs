using Descent.Data;
using Descent.Results;

namespace Descent.Tests.Results;

/// <summary>
/// Shortened runs of the README's recipes (bench/Descent.Results) on the real data, so a change that
/// slows learning fails here; the thresholds sit below the accuracies measured when they were set.
/// </summary>
public class ResultsTests
{
    [Fact]
    public void MlpOnTheDigitSplitPasses93Point5PercentAfterThreeEpochs()
    {
        var (train, valid) = Recipes.DigitSplit(TestData.MnistDigits, seed: 0);
        Assert.Equal((8000, 2000), (train.Count, valid.Count));
        var result = Recipes.Mlp.Run(train, valid, seed: 0, epochs: 3);
        Assert.Equal(3, result.Epochs);
        // Measured 94.60 %; the full 20-epoch recipe reaches 97.5 %.
        Assert.True(result.Accuracy >= 0.935, $"MLP valid accuracy after 3 epochs: {result.Accuracy:P2}");
    }

    [Fact]
    public void IrisRecipeReaches96PercentOnItsSplitAndAcrossFolds()
    {
        var iris = Iris.Load(TestData.Iris);
        var (train, valid) = Recipes.IrisSplit(iris, 0.2, seed: 0);
        Assert.Equal((120, 30), (train.Count, valid.Count));
        // Measured 100 % on this split and 95.33 % over the folds (each fold's error is a multiple of 3.3 %).
        Assert.True(Recipes.Iris.Run(train, valid, seed: 0).Accuracy >= 0.96);
        var folds = Enumerable.Range(0, 5).Select(fold =>
        {
            var (tr, va) = Recipes.IrisFold(iris, 5, fold, seed: 0);
            Assert.Equal(30, va.Count);
            return Recipes.Iris.Run(tr, va, seed: 0).Accuracy;
        }).ToList();
        Assert.True(folds.Average() >= 0.93, $"iris 5-fold accuracies: {string.Join(", ", folds)}");
    }

    [Fact]
    public void IrisStandardizationIsFittedOnTheTrainingPartOnly()
    {
        var iris = Iris.Load(TestData.Iris);
        var (train, valid) = Recipes.IrisSplit(iris, 0.2, seed: 3);
        var mean = train.Inputs.Mean(0).ToArray();
        Assert.All(mean, m => Assert.InRange(m, -1e-5f, 1e-5f));
        Assert.Contains(valid.Inputs.Mean(0).ToArray(), m => Math.Abs(m) > 1e-3f);
    }
}
