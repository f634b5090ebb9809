using Descent.Data;

namespace Descent.Tests.Data;

public class RandomShiftTests
{
    /// <summary>Examples whose pixel (c, y, x) of example i holds 1000·i + 100·c + 10·y + x + 1, so every value says where it came from.</summary>
    private static TensorDataset Images(int n, int channels, int h, int w)
    {
        var data = new float[n * channels * h * w];
        int k = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) data[k++] = 1000 * i + 100 * c + 10 * y + x + 1;
        return new TensorDataset(Tensor.FromArray(data, n, channels, h, w), Tensor.Arange(n));
    }

    /// <summary>The shift the wrapper must apply: dy then dx, each uniform in [-max, max].</summary>
    private static (int Dy, int Dx) NextShift(Generator g, int max) => (g.NextInt(2 * max + 1) - max, g.NextInt(2 * max + 1) - max);

    [Fact]
    public void ShiftsEachExampleAndItsChannelsAlikeAndFillsZeros()
    {
        var source = Images(5, 2, 4, 3);
        var batch = new RandomShift(source, maxShift: 2, new Generator(7)).GetBatch([4, 0, 2, 3, 1]);
        var expected = new Generator(7);
        int[] order = [4, 0, 2, 3, 1];
        for (int i = 0; i < order.Length; i++)
        {
            var (dy, dx) = NextShift(expected, 2);
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 4; y++)
                    for (int x = 0; x < 3; x++)
                    {
                        int sy = y - dy, sx = x - dx;
                        float want = sy is >= 0 and < 4 && sx is >= 0 and < 3 ? source.Inputs.At(order[i], c, sy, sx) : 0f;
                        Assert.Equal(want, batch.Input.At(i, c, y, x));
                    }
            Assert.Equal(order[i], batch.Target.At(i));
        }
    }

    [Fact]
    public void ShiftsCoverTheWholeRangeIncludingNone()
    {
        var source = Images(1, 1, 5, 5);
        var shifted = new RandomShift(source, maxShift: 1, new Generator(3));
        var seen = new HashSet<string>();
        for (int i = 0; i < 200; i++) seen.Add(string.Join(",", shifted.Get(0).Input.ToArray()));
        // 3 × 3 shifts, each a different picture.
        Assert.Equal(9, seen.Count);
        Assert.Contains(string.Join(",", source.Inputs.ToArray()), seen);
    }

    [Fact]
    public void SingleExamplesMatchTheSourceShapeAndUnbatchedRankTwoImages()
    {
        var flat = new TensorDataset(Tensor.Arange(2 * 3 * 3).Reshape(2, 3, 3).Add(1f), Tensor.Arange(2));
        var (input, target) = new RandomShift(flat, 1, new Generator(0)).Get(1);
        Assert.Equal([3, 3], input.Shape);
        Assert.Equal(1f, target.Item());
        var (dy, dx) = NextShift(new Generator(0), 1);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
            {
                int sy = y - dy, sx = x - dx;
                Assert.Equal(sy is >= 0 and < 3 && sx is >= 0 and < 3 ? flat.Inputs.At(1, sy, sx) : 0f, input.At(y, x));
            }
    }

    [Fact]
    public void ZeroShiftPassesExamplesThrough()
    {
        var source = Images(3, 1, 4, 4);
        var batch = new RandomShift(source, 0, new Generator(1)).GetBatch([2, 1]);
        Assert.Equal(source.GetBatch([2, 1]).Input.ToArray(), batch.Input.ToArray());
    }

    [Fact]
    public void SameSeedSameShiftsAndTheSourceIsUntouched()
    {
        var source = Images(4, 1, 6, 6);
        var before = source.Inputs.ToArray();
        var a = new RandomShift(source, 2, new Generator(5)).GetBatch([0, 1, 2, 3]).Input.ToArray();
        var b = new RandomShift(source, 2, new Generator(5)).GetBatch([0, 1, 2, 3]).Input.ToArray();
        Assert.Equal(a, b);
        Assert.Equal(before, source.Inputs.ToArray());
    }

    [Fact]
    public void WorksUnderADataLoaderOverASubset()
    {
        var source = Images(10, 1, 4, 4);
        var (train, _) = Splits.TrainValidation(source, 0.2, seed: 1);
        var loader = new DataLoader(new RandomShift(train, 1, new Generator(2)), batchSize: 3, shuffle: true, generator: new Generator(4));
        var targets = loader.SelectMany(b => b.Target.ToArray()).OrderBy(t => t).ToArray();
        Assert.Equal(train.Indices.Select(i => (float)i).OrderBy(t => t), targets);
    }

    [Fact]
    public void BadArgumentsThrowNamingTheRule()
    {
        var images = Images(2, 1, 3, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(images, -1));
        Assert.Contains("maxShift must be >= 0; got -1", e.Message);
        var vectors = new TensorDataset(Tensor.Zeros(2, 4), Tensor.Zeros(2));
        var shifted = new RandomShift(vectors, 1, new Generator(0));
        Assert.Contains("inputs must be images [.., H, W]; got a batch of shape [2, 4]", Assert.Throws<ArgumentException>(() => shifted.GetBatch([0, 1])).Message);
        Assert.Contains("got an example of shape [4]", Assert.Throws<ArgumentException>(() => shifted.Get(0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(images, 1).Get(2));
    }

    [Fact]
    public void AShiftTooWideToDrawIsRefusedNamingTheLimit()
    {
        // 2·maxShift + 1 values are drawn: past 2^30 that count overflows an int.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShift(Images(1, 1, 2, 2), int.MaxValue));
        Assert.Contains("RandomShift: maxShift must be at most 1073741823; got 2147483647", e.Message);
    }
}
