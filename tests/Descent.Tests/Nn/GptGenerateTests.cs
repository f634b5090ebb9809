using Descent.Nn;

namespace Descent.Tests.Nn;

public class GptGenerateTests
{
    private static Gpt Model(int blockSize = 8, ulong seed = 1) =>
        new(new GptConfig(VocabSize: 11, BlockSize: blockSize, Layers: 2, Heads: 2, Width: 16), new Generator(seed));

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var (e, a) = (expected.ToArray(), actual.ToArray());
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5f + 1e-4f * Math.Abs(e[i]), $"{what}: element {i} is {a[i]}, the full forward gives {e[i]}");
    }

    [Fact]
    public void CachedForwardGivesTheFullForwardsLogitsAtEveryPosition()
    {
        var model = Model();
        var tokens = IntTensor.RandInt(0, 11, [2, 8], new Generator(3));
        var full = model.Forward(tokens);
        var cache = model.NewCache(2);
        // A prefill of three positions, then one position at a time, then the last two together.
        int[] steps = [3, 1, 1, 1, 2];
        int at = 0;
        foreach (int n in steps)
        {
            var logits = model.Forward(tokens.Narrow(1, at, n), cache);
            AssertClose(full.Narrow(1, at, n), logits, $"positions {at}..{at + n - 1}");
            at += n;
        }
        Assert.Equal(8, cache.Length);
        Assert.True(full.RequiresGrad);
        Assert.False(model.Forward(tokens.Narrow(1, 0, 1), model.NewCache(2)).RequiresGrad);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(tokens.Narrow(1, 0, 1), cache));
        Assert.Contains("the cache holds 8 positions, so at most 0 more fit in blockSize = 8", e.Message);
        cache.Clear();
        AssertClose(full.Narrow(1, 0, 2), model.Forward(tokens.Narrow(1, 0, 2), cache), "after Clear");
        Assert.Contains("batch 2", Assert.Throws<ArgumentException>(() => model.Forward(IntTensor.Zeros(1, 1), cache)).Message);
    }

    // Replays Generate's window rule by hand with both forwards: at every step, including the refills after a crop,
    // the last position's logits must agree.
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void LogitsAgreeAtEveryStepOfALongSequence(int keep)
    {
        var model = Model();
        model.Eval();
        var sequence = IntTensor.RandInt(0, 11, [1, 30], new Generator(8)).ToArray();
        var cache = model.NewCache();
        int start = 0, refills = 0;
        for (int n = 3; n < sequence.Length; n++)
        {
            if (n - start > 8) { start = n - keep; cache.Clear(); refills++; }
            int from = start + cache.Length;
            var cached = model.Forward(IntTensor.FromArray(sequence[from..n], [1, n - from]), cache);
            var full = model.Forward(IntTensor.FromArray(sequence[start..n], [1, n - start]));
            AssertClose(full.Narrow(1, n - start - 1, 1), cached.Narrow(1, n - from - 1, 1), $"step {n}");
        }
        Assert.True(refills >= 3);
    }

    [Theory]
    [InlineData(0f, null, null)]       // greedy
    [InlineData(1f, 1, null)]          // top-1 sampling is greedy too, through the draw
    [InlineData(1f, null, null)]
    [InlineData(0.8f, 5, null)]
    [InlineData(1.3f, 3, 8)]           // nanoGPT's crop: a full window at every token past blockSize
    [InlineData(1f, null, 1)]
    public void CacheAndFullRecomputeDrawTheSameTokens(float temperature, int? topK, int? keep)
    {
        var model = Model();
        // 40 new tokens after a 3-token prompt run far past blockSize = 8: several crops and refills.
        var prompt = IntTensor.FromArray([4, 1, 9]);
        var cached = model.Generate(prompt, 40, temperature, topK, new Generator(21), useCache: true, keepWhenFull: keep);
        var recomputed = model.Generate(prompt, 40, temperature, topK, new Generator(21), useCache: false, keepWhenFull: keep);
        Assert.Equal([43], cached.Shape);
        Assert.Equal(recomputed.ToArray(), cached.ToArray());
        Assert.Equal([4L, 1, 9], cached.ToArray()[..3]);
        if (temperature > 0f && topK != 1)
            Assert.NotEqual(cached.ToArray(), model.Generate(prompt, 40, temperature, topK, new Generator(22), keepWhenFull: keep).ToArray());
    }

    [Fact]
    public void GreedyIsTheArgMaxAndTopOneSamplingAgrees()
    {
        var model = Model();
        var greedy = model.Generate([2, 3], 12, temperature: 0f);
        var topOne = model.Generate([2, 3], 12, temperature: 0.7f, topK: 1, generator: new Generator(5));
        Assert.Equal(greedy.ToArray(), topOne.ToArray());
        var ids = greedy.ToArray();
        model.Eval();
        var logits = model.Forward(IntTensor.FromArray(ids[..8], [1, 8]));
        for (int n = 2; n < 8; n++) Assert.Equal(logits.Narrow(1, n - 1, 1).Reshape(11).ArgMax().Item(), ids[n]);
    }

    [Fact]
    public void BatchedPromptsAreCroppedAndContinuedRowByRow()
    {
        var model = Model(blockSize: 4);
        var prompts = IntTensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1], [2, 6]); // longer than blockSize: cropped
        var both = model.Generate(prompts, 9, temperature: 0f);
        Assert.Equal([2, 15], both.Shape);
        for (int b = 0; b < 2; b++)
        {
            var row = model.Generate(prompts.Narrow(0, b, 1).Reshape(6), 9, temperature: 0f, useCache: false);
            Assert.Equal(row.ToArray(), both.Narrow(0, b, 1).ToArray());
        }
    }

    [Fact]
    public void GenerateRunsInEvalModeAndRestoresTraining()
    {
        var model = new Gpt(new GptConfig(VocabSize: 11, BlockSize: 8, Layers: 1, Heads: 2, Width: 8, Dropout: 0.5f), new Generator(3));
        var first = model.Generate([1], 10, generator: new Generator(4), useCache: false);
        Assert.True(model.Training);
        Assert.True(model.Blocks.Layers[0].Dropout1.Training);
        // With dropout left on, the no-cache path would draw masks and disagree with the cache, which has none.
        Assert.Equal(first.ToArray(), model.Generate([1], 10, generator: new Generator(4)).ToArray());
        model.Eval();
        model.Generate([1], 2);
        Assert.False(model.Training);
    }

    [Fact]
    public void BadSamplingArgumentsAreRefused()
    {
        var model = Model();
        Assert.Contains("topK must be ≥ 1", Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate([1], 3, topK: 0)).Message);
        Assert.Contains("temperature must be finite and ≥ 0", Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate([1], 3, temperature: -0.1f)).Message);
        Assert.Contains("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate([1], 3, temperature: float.NaN)).Message);
        Assert.Contains("maxTokens must be ≥ 0", Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate([1], -1)).Message);
        Assert.Contains("keepWhenFull must be in [1, blockSize = 8]", Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate([1], 3, keepWhenFull: 9)).Message);
        Assert.Contains("got 11 at flat index 1", Assert.Throws<ArgumentException>(() => model.Generate([0, 11], 3)).Message);
        Assert.Contains("at least one token", Assert.Throws<ArgumentException>(() => model.Generate(Array.Empty<int>(), 3)).Message);
        Assert.Contains("batch must be > 0", Assert.Throws<ArgumentOutOfRangeException>(() => model.NewCache(0)).Message);
    }
}
