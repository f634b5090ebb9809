using Descent.Data;

namespace Descent.Tests.Data;

/// <summary>The protocol's splits: disjoint, covering, reproducible by seed and different across seeds.</summary>
public class ProtocolSplitTests
{
    private static TensorDataset Numbered(int n) => new(Tensor.Arange(n).Reshape(n, 1), Tensor.Zeros(n));

    private static int[] Ids(Dataset part) =>
        [.. part.GetBatch([.. Enumerable.Range(0, part.Count)]).Input.ToArray().Select(v => (int)v)];

    [Fact]
    public void Holdout_parts_are_disjoint_cover_the_set_and_have_the_asked_sizes()
    {
        var split = Splits.Holdout(Numbered(10000), validation: 1000, test: 2000, seed: 4);
        var (train, valid, test) = (Ids(split.Train), Ids(split.Validation!), Ids(split.Test));
        Assert.Equal((7000, 1000, 2000), (train.Length, valid.Length, test.Length));
        Assert.Empty(train.Intersect(test));
        Assert.Empty(valid.Intersect(test));
        Assert.Empty(train.Intersect(valid));
        Assert.Equal(Enumerable.Range(0, 10000), train.Concat(valid).Concat(test).Order());
    }

    [Fact]
    public void Holdout_is_the_same_for_a_seed_and_differs_across_seeds()
    {
        var data = Numbered(500);
        var a = Splits.Holdout(data, 50, 100, seed: 1);
        var b = Splits.Holdout(data, 50, 100, seed: 1);
        var c = Splits.Holdout(data, 50, 100, seed: 2);
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.Equal(Ids(a.Validation!), Ids(b.Validation!));
        Assert.NotEqual(Ids(a.Test).Order(), Ids(c.Test).Order());
    }

    [Fact]
    public void With_a_test_file_the_test_part_is_that_file_whole_and_validation_comes_from_training()
    {
        var trainFile = Numbered(600);
        var testFile = new TensorDataset(Tensor.Arange(1000, 1100).Reshape(100, 1), Tensor.Zeros(100));
        var split = Splits.WithTestFile(trainFile, testFile, validation: 50, seed: 3);
        Assert.Same(testFile, split.Test);
        var (train, valid) = (Ids(split.Train), Ids(split.Validation!));
        Assert.Equal((550, 50), (train.Length, valid.Length));
        Assert.Empty(train.Intersect(valid));
        Assert.Equal(Enumerable.Range(0, 600), train.Concat(valid).Order());
        Assert.NotEqual(valid.Order(), Ids(Splits.WithTestFile(trainFile, testFile, 50, seed: 4).Validation!).Order());
    }

    [Fact]
    public void KFold_tests_every_index_once_in_disjoint_folds_by_seed()
    {
        var folds = Splits.KFold(150, k: 5, seed: 0);
        Assert.Equal(5, folds.Length);
        Assert.All(folds, f => Assert.Equal((120, 30), (f.Train.Length, f.Test.Length)));
        Assert.All(folds, f => Assert.Empty(f.Train.Intersect(f.Test)));
        Assert.All(folds, f => Assert.Equal(Enumerable.Range(0, 150), f.Train.Concat(f.Test).Order()));
        Assert.Equal(Enumerable.Range(0, 150), folds.SelectMany(f => f.Test).Order());
        Assert.Equal(folds[2].Test, Splits.KFold(150, 5, seed: 0)[2].Test);
        Assert.NotEqual(folds[0].Test.Order(), Splits.KFold(150, 5, seed: 1)[0].Test.Order());
    }

    [Fact]
    public void Sizes_that_leave_nothing_to_train_are_refused_naming_them()
    {
        Assert.Contains("validation (50) and test (60)", Assert.Throws<ArgumentException>(() => Splits.Holdout(Numbered(100), 50, 60, 0)).Message);
        Assert.Contains("validation (100)", Assert.Throws<ArgumentException>(() => Splits.WithTestFile(Numbered(100), Numbered(5), 100, 0)).Message);
        Assert.Contains("k must be from 2 to the 3 examples", Assert.Throws<ArgumentOutOfRangeException>(() => Splits.KFold(3, 4, 0)).Message);
    }
}
