using Descent.Data;

namespace Descent.Tests.Data;

public class TokenWindowsTests
{
    private static int[] Ids(int n) => Enumerable.Range(0, n).Select(i => (i * 7 + 3) % 50).ToArray();

    [Fact]
    public void SampledTargetsAreTheInputsShiftedByOne()
    {
        // A permutation of 0..99: a window's first id fixes its offset.
        var ids = Enumerable.Range(0, 100).Select(i => (i * 37 + 11) % 100).ToArray();
        var windows = new TokenWindows(ids);
        var (x, y) = windows.Sample(batch: 8, block: 16, new Generator(3));
        Assert.Equal([8, 16], x.Shape);
        Assert.Equal([8, 16], y.Shape);
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int b = 0; b < 8; b++)
        {
            int offset = Array.IndexOf(ids, (int)xs[b * 16]);
            Assert.InRange(offset, 0, 100 - 16 - 1);
            for (int t = 0; t < 16; t++)
            {
                Assert.Equal(ids[offset + t], xs[b * 16 + t]);
                Assert.Equal(ids[offset + t + 1], ys[b * 16 + t]);
            }
        }
    }

    [Fact]
    public void OffsetsAreDrawnAsRandIntAndCoverTheWholeRange()
    {
        // With ids 0..n-1 a window's first id is its offset.
        const int n = 40, block = 8;
        var windows = new TokenWindows(Enumerable.Range(0, n).ToArray());
        var (x, _) = windows.Sample(batch: 2000, block, new Generator(11));
        var offsets = Enumerable.Range(0, 2000).Select(b => x.ToArray()[b * block]).ToArray();
        Assert.Equal(IntTensor.RandInt(0, n - block, [2000], new Generator(11)).ToArray(), offsets);
        Assert.Equal(0, offsets.Min());
        Assert.Equal(n - block - 1, offsets.Max());
        Assert.Equal(n - block, offsets.Distinct().Count());
    }

    [Fact]
    public void TheSameSeedGivesTheSameWindowsAndAnotherSeedOthers()
    {
        var windows = new TokenWindows(Ids(500));
        var g1 = new Generator(42);
        var g2 = new Generator(42);
        for (int step = 0; step < 3; step++)
        {
            var (a, b) = (windows.Sample(4, 10, g1), windows.Sample(4, 10, g2));
            Assert.Equal(a.Input.ToArray(), b.Input.ToArray());
            Assert.Equal(a.Target.ToArray(), b.Target.ToArray());
        }
        var first = windows.Sample(4, 10, new Generator(42)).Input.ToArray();
        var other = windows.Sample(4, 10, new Generator(43)).Input.ToArray();
        Assert.NotEqual(first, other);
        // Successive draws from one generator move on.
        Assert.NotEqual(first, windows.Sample(4, 10, g1).Input.ToArray());
    }

    [Fact]
    public void TheShortestTextHasExactlyOneWindow()
    {
        var windows = new TokenWindows([5, 6, 7, 8]);
        var (x, y) = windows.Sample(3, 3, new Generator(0));
        Assert.Equal([5L, 6, 7, 5, 6, 7, 5, 6, 7], x.ToArray());
        Assert.Equal([6L, 7, 8, 6, 7, 8, 6, 7, 8], y.ToArray());
    }

    [Fact]
    public void TooShortTextsNameBothNumbers()
    {
        var (_, valid) = TokenWindows.Split(Ids(100));
        var e = Assert.Throws<ArgumentException>(() => valid.Sample(2, 10, new Generator(0)));
        Assert.Contains("TokenWindows.Sample: the validation split has 10 tokens, too few for a window of block 10 (it needs block + 1 = 11", e.Message);
        Assert.Contains("has 10 tokens", Assert.Throws<ArgumentException>(() => valid.EnsureFits(10)).Message);
        Assert.Contains("TokenWindows.Sweep", Assert.Throws<ArgumentException>(() => valid.Sweep(2, 10)).Message);
        valid.EnsureFits(9);
        Assert.Contains("has 0 tokens", Assert.Throws<ArgumentException>(() => new TokenWindows([]).Sample(1, 1, new Generator(0))).Message);
        Assert.Contains("block must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => valid.Sample(1, 0, new Generator(0))).Message);
        Assert.Contains("batch must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => valid.Sample(0, 2, new Generator(0))).Message);
    }

    [Theory]
    [InlineData(100, 90)]
    [InlineData(10, 9)]
    [InlineData(19, 17)]        // 17.1 rounds down
    [InlineData(1_188_006, 1_069_205)]
    public void SplitKeepsTheFirstNinetyPercentForTraining(int n, int train)
    {
        var ids = Ids(n);
        var (a, b) = TokenWindows.Split(ids);
        Assert.Equal(train, a.Count);
        Assert.Equal(n - train, b.Count);
        Assert.Equal(ids[..train], a.Tokens.ToArray());
        Assert.Equal(ids[train..], b.Tokens.ToArray());
        Assert.Equal("training", a.Name);
        Assert.Equal("validation", b.Name);
    }

    [Fact]
    public void SplitFractionMustBeBetweenZeroAndOne()
    {
        Assert.Contains("trainFraction must be in (0, 1); got 1", Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.Split(Ids(10), 1.0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.Split(Ids(10), double.NaN));
    }

    [Fact]
    public void SweepVisitsEveryTargetOnceInOrder()
    {
        var windows = new TokenWindows(Enumerable.Range(0, 23).ToArray());
        Assert.Equal(4, windows.SweepCount(5));
        var batches = windows.Sweep(batch: 3, block: 5).ToList();
        Assert.Equal([3, 5], batches[0].Input.Shape);
        Assert.Equal([1, 5], batches[1].Input.Shape);
        var inputs = batches.SelectMany(b => b.Input.ToArray()).ToArray();
        var targets = batches.SelectMany(b => b.Target.ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), inputs);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), targets);
        // 21 ids make exactly four windows of 5; 20 make three.
        Assert.Equal(4, new TokenWindows(Enumerable.Range(0, 21).ToArray()).SweepCount(5));
        Assert.Equal(3, new TokenWindows(Enumerable.Range(0, 20).ToArray()).SweepCount(5));
    }

    [Fact]
    public void WindowsHoldACopyOfTheirIds()
    {
        var ids = new[] { 1, 2, 3 };
        var windows = new TokenWindows(ids);
        ids[0] = 9;
        Assert.Equal([1, 2, 3], windows.Tokens.ToArray());
    }
}
