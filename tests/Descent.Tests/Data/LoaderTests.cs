using Descent.Data;

namespace Descent.Tests.Data;

public class LoaderTests
{
    private static TensorDataset Numbers(int n) =>
        new(Tensor.Arange(n).Reshape(n, 1), Tensor.Arange(n).Mul(10f));

    [Fact]
    public void GetOnOneDimensionalTargetsGivesAZeroDimensionalTarget()
    {
        // As PyTorch's TensorDataset[i]: a row of a [N] tensor is 0-d, a row of [N, 1] is [1].
        var (input, target) = Numbers(4).Get(2);
        Assert.Equal([1], input.Shape);
        Assert.Empty(target.Shape);
        Assert.Equal(20f, target.Item());
        Assert.Equal([1], new TensorDataset(Tensor.Zeros(3, 2), Tensor.Arange(3).Reshape(3, 1)).Get(1).Target.Shape);
    }

    [Fact]
    public void BatchesOfOneDimensionalTargetsAreOneDimensionalWhetherGatheredOrStacked()
    {
        var data = Numbers(5);
        var (_, gathered) = new DataLoader(data, batchSize: 3).First();
        Assert.Equal([3], gathered.Shape);
        // Dataset.GetBatch's default stacks Get's examples; it must agree with TensorDataset's own gather.
        var (_, stacked) = new ExamplesOnly(data).GetBatch([0, 1, 2]);
        Assert.Equal([3], stacked.Shape);
        Assert.Equal(gathered.ToArray(), stacked.ToArray());
    }

    private sealed class ExamplesOnly(Dataset source) : Dataset
    {
        public override int Count => source.Count;
        public override (Tensor Input, Tensor Target) Get(int index) => source.Get(index);
    }

    [Fact]
    public void BatchesCoverEveryExampleOnce()
    {
        var loader = new DataLoader(Numbers(10), batchSize: 4, shuffle: true, generator: new Generator(3));
        Assert.Equal(3, loader.Count);
        var batches = loader.ToList();
        Assert.Equal([4, 4, 2], batches.Select(b => b.Input.Size(0)));
        var seen = batches.SelectMany(b => b.Input.ToArray()).OrderBy(v => v).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), seen);
        foreach (var (x, y) in batches) Assert.Equal(x.ToArray().Select(v => v * 10f), y.ToArray());
    }

    [Fact]
    public void DropLastAndOrder()
    {
        var loader = new DataLoader(Numbers(10), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal([0f, 1f, 2f, 3f], loader.First().Input.ToArray());
    }

    [Fact]
    public void ShuffleIsSeededAndChangesEachEpoch()
    {
        float[] Epoch(DataLoader l) => l.SelectMany(b => b.Input.ToArray()).ToArray();
        var a = new DataLoader(Numbers(50), 8, shuffle: true, generator: new Generator(9));
        var b = new DataLoader(Numbers(50), 8, shuffle: true, generator: new Generator(9));
        var a1 = Epoch(a);
        Assert.Equal(a1, Epoch(b));
        Assert.NotEqual(a1, Epoch(a));
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (float)i), a1);
    }

    [Fact]
    public void ABatchSizeNearIntMaxIsOneBatchNotAnOverflow()
    {
        // (count + batchSize - 1) in int wrapped to a negative count: `--batch-size 2147483647` ran no step at all.
        var loader = new DataLoader(new TensorDataset(Tensor.Zeros(800, 2), Tensor.Zeros(800)), int.MaxValue);
        Assert.Equal(1, loader.Count);
        var batch = Assert.Single(loader);
        Assert.Equal([800, 2], batch.Input.Shape);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbers(3), 0));
        Assert.Contains("batchSize must be positive; got 0", e.Message);
        Assert.Contains("same first dimension", Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(3, 2), Tensor.Zeros(4))).Message);
    }

    [Fact]
    public void SplitsAreDisjointAndReproducible()
    {
        var data = Numbers(100);
        var (train, valid) = Splits.TrainValidation(data, 0.2, seed: 5);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, valid.Count);
        Assert.Empty(train.Indices.Intersect(valid.Indices));
        var (train2, _) = Splits.TrainValidation(data, 0.2, seed: 5);
        Assert.Equal(train.Indices, train2.Indices);
        var (train3, _) = Splits.TrainValidation(data, 0.2, seed: 6);
        Assert.NotEqual(train.Indices, train3.Indices);
        var parts = Splits.RandomSplit(data, [0.5, 0.3, 0.2], new Generator(1));
        Assert.Equal([50, 30, 20], parts.Select(p => p.Count));
        var (x, y) = valid.GetBatch([0, 1]);
        Assert.Equal(x.ToArray().Select(v => v * 10f), y.ToArray());
    }

    [Fact]
    public void StandardizerFitsOnTrainingData()
    {
        var x = Tensor.FromArray([1f, 10f, 3f, 10f, 5f, 10f], 3, 2);
        var s = Standardizer.Fit(x);
        Assert.Equal([3f, 10f], s.Mean);
        Assert.Equal(MathF.Sqrt(8f / 3f), s.Std[0], 5);
        Assert.Equal(1f, s.Std[1]);
        var t = s.Transform(x);
        Assert.Equal(0f, t.Mean(0).ToArray()[0], 5);
        Assert.Equal(1f, t.Pow(2).Mean(0).ToArray()[0], 5);
        Assert.Equal(x.ToArray(), s.InverseTransform(t).ToArray().Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void SyntheticSetsHaveTheirShapeAndAreSeeded()
    {
        var moons = Synthetic.Moons(101, 0.1f, new Generator(0));
        Assert.Equal([101, 2], moons.Inputs.Shape);
        Assert.Equal(50, moons.Targets.ToArray().Count(v => v == 1f));
        Assert.Equal(moons.Inputs.ToArray(), Synthetic.Moons(101, 0.1f, new Generator(0)).Inputs.ToArray());
        var spirals = Synthetic.Spirals(40, 3, 0.2f, new Generator(0));
        Assert.Equal([120, 2], spirals.Inputs.Shape);
        Assert.All(spirals.Inputs.ToArray(), v => Assert.InRange(v, -1.0001f, 1.0001f));
        var sin = Synthetic.Sin(500, 0f, new Generator(2));
        for (int i = 0; i < 500; i++) Assert.Equal(MathF.Sin(sin.Inputs.Data[i]), sin.Targets.Data[i], 6);
        var poly = Synthetic.Polynomial(10, [1f, 0f, 2f], 0f, new Generator(4));
        for (int i = 0; i < 10; i++) Assert.Equal(1f + 2f * poly.Inputs.Data[i] * poly.Inputs.Data[i], poly.Targets.Data[i], 5);
    }
}
