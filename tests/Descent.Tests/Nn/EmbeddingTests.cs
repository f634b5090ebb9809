using Descent.Nn;

namespace Descent.Tests.Nn;

public class EmbeddingTests
{
    [Fact]
    public void Lookup_returns_rows_in_the_shape_of_the_indices_plus_the_dimension()
    {
        var emb = new Embedding(5, 3, new Generator(1));
        var indices = IntTensor.FromArray([4L, 0, 2, 2, 1, 3], [2, 3]);
        var y = emb.Forward(indices);
        Assert.Equal([2, 3, 3], y.Shape);
        for (int i = 0; i < 6; i++)
            for (int d = 0; d < 3; d++)
                Assert.Equal(emb.Weight.At((int)indices.Data[i], d), y.Data[i * 3 + d]);
        Assert.Equal([3], emb.Forward(IntTensor.Scalar(2)).Shape);
    }

    [Fact]
    public void Float_token_ids_still_work_when_whole()
    {
        var emb = new Embedding(5, 3, new Generator(1));
        Module asModule = emb;
        var ids = IntTensor.FromArray([4L, 0, 2, 2, 1, 3], [2, 3]);
        Assert.Equal(emb.Forward(ids).ToArray(), asModule.Forward(ids.Float()).ToArray());
        Assert.Equal([3], emb.Forward(Tensor.Scalar(2f)).Shape);
    }

    [Fact]
    public void Repeated_indices_accumulate_gradient_into_their_row()
    {
        var emb = new Embedding(4, 2, new Generator(2));
        var y = emb.Forward(IntTensor.FromArray([1L, 3, 1]));
        y.Backward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2));
        Assert.Equal([0f, 0f, 1f + 5f, 2f + 6f, 0f, 0f, 3f, 4f], emb.Weight.Grad!.ToArray());
    }

    [Theory]
    [InlineData(new[] { 3 }), InlineData(new[] { 2, 2 }), InlineData(new[] { 1, 1 })]
    public void Weight_gradient_matches_finite_differences(int[] shape)
    {
        var indices = Tensor.RandInt(0, 6, shape, new Generator(3));
        var emb = new Embedding(6, 3, new Generator(4));
        var ids = indices.Long();
        GradCheck.Assert(t => Functional.Embedding(ids, t[0]), Tensor.FromArray(emb.Weight.ToArray(), 6, 3).RequireGrad());
        ModuleGradCheck.Assert(emb, indices, checkInput: false);
    }

    [Fact]
    public void Padding_row_starts_at_zero_returns_what_it_holds_and_gets_no_gradient()
    {
        var plain = new Embedding(5, 2, new Generator(9));
        var emb = new Embedding(5, 2, new Generator(9), paddingIdx: -2);
        Assert.Equal(3, emb.PaddingIdx);
        var w = emb.Weight.ToArray();
        Assert.Equal([0f, 0f], w[6..8]);
        Assert.Equal(plain.Weight.ToArray()[..6], w[..6]);        // the other rows are the same draws
        emb.Weight.DataSpan[6] = 7f;
        var y = emb.Forward(IntTensor.FromArray([3L, 1, 3]));
        Assert.Equal([7f, 0f], y.ToArray()[..2]);
        y.Backward(Tensor.Ones(3, 2));
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f], emb.Weight.Grad!.ToArray());
    }

    [Theory]
    [InlineData(new[] { 4 }, 0), InlineData(new[] { 2, 3 }, 5), InlineData(new[] { 1, 1 }, -1)]
    public void Weight_gradient_with_a_padding_row_matches_finite_differences(int[] shape, int paddingIdx)
    {
        // The padding row's true derivative is deliberately dropped, so finite differences can only check the
        // other rows: they are the input, and the padding row is a constant spliced into the table.
        int row = paddingIdx < 0 ? 6 + paddingIdx : paddingIdx;
        var ids = Tensor.RandInt(0, 6, shape, new Generator(5)).Long();
        ids.DataSpan[0] = row;
        var padding = Tensor.FromArray([0.5f, -1f, 2f], 1, 3);
        GradCheck.Assert(t => Functional.Embedding(ids, Tensor.Cat([t[0].Slice(0, 0, row), padding, t[0].Slice(0, row, 5)]), paddingIdx: paddingIdx),
            Tensor.Randn([5, 3], new Generator(6)).RequireGrad());
    }

    [Fact]
    public void Max_norm_scales_only_the_looked_up_rows_that_exceed_it_in_place()
    {
        var emb = new Embedding(3, 2, maxNorm: 1.0);
        emb.Weight.DataSpan[0] = 3f; emb.Weight.DataSpan[1] = 4f;     // row 0: norm 5
        emb.Weight.DataSpan[2] = 0.3f; emb.Weight.DataSpan[3] = 0.4f; // row 1: norm 0.5
        emb.Weight.DataSpan[4] = 6f; emb.Weight.DataSpan[5] = 8f;     // row 2: norm 10, not looked up
        var y = emb.Forward(IntTensor.FromArray([0L, 1, 0]));
        float scale = (float)(1.0 / (5 + 1e-7));
        Assert.Equal([3f * scale, 4f * scale, 0.3f, 0.4f, 6f, 8f], emb.Weight.ToArray());
        Assert.Equal(emb.Weight.ToArray()[..2], y.ToArray()[..2]);
        var l1 = new Embedding(2, 2, maxNorm: 1.0, normType: 1);
        l1.Weight.DataSpan[0] = 1f; l1.Weight.DataSpan[1] = -3f;
        l1.Forward(IntTensor.FromArray([0L]));
        Assert.Equal([1f * (float)(1 / (4 + 1e-7)), -3f * (float)(1 / (4 + 1e-7))], l1.Weight.ToArray()[..2]);
    }

    [Fact]
    public void Bad_options_name_the_rule_and_value()
    {
        var far = Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, paddingIdx: 4));
        Assert.Equal("paddingIdx", far.ParamName);
        Assert.Contains("Embedding: paddingIdx must be within [-num_embeddings, num_embeddings) = [-4, 4); got 4", far.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, paddingIdx: -5));
        Assert.Contains("Embedding: maxNorm must be positive; got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, maxNorm: 0)).Message);
        Assert.Contains("Embedding: normType must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, maxNorm: 1, normType: -1)).Message);
        var table = Tensor.Zeros(3, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Embedding(IntTensor.FromArray([0L]), table, paddingIdx: 3));
    }

    [Fact]
    public void Init_is_standard_normal()
    {
        var w = new Embedding(200, 50, new Generator(6)).Weight.ToArray();
        double mean = w.Average(v => (double)v);
        double std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        // 10,000 samples: the standard error of the mean is 0.01 and of the deviation about 0.007.
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std, 0.95, 1.05);
    }

    [Theory]
    [InlineData(5L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    public void Ids_out_of_range_are_named_with_both_shapes(long bad)
    {
        var emb = new Embedding(5, 2);
        var e = Assert.Throws<ArgumentException>(() => emb.Forward(IntTensor.FromArray([0L, bad, 1])));
        Assert.Equal($"Embedding: indices must be in [0, num_embeddings=5); got {bad} at flat position 1 of input [3] with weight [5, 2]", e.Message);
    }

    [Theory]
    [InlineData(1.5f, "1.5")]
    [InlineData(float.NaN, "NaN")]
    public void Float_ids_that_are_not_whole_are_refused(float bad, string shown)
    {
        var emb = new Embedding(5, 2);
        var e = Assert.Throws<ArgumentException>(() => emb.Forward(Tensor.FromArray([0f, bad, 1f])));
        Assert.Equal($"Embedding: indices must be whole numbers; element 1 of the float index tensor is {shown} (pass an IntTensor)", e.Message);
        var range = Assert.Throws<ArgumentException>(() => emb.Forward(Tensor.FromArray([0f, 5f, 1f])));
        Assert.Equal("Embedding: indices must be in [0, num_embeddings=5); got 5 at flat position 1 of input [3] with weight [5, 2]", range.Message);
    }

    [Fact]
    public void Invalid_sizes_are_rejected_naming_the_parameter()
    {
        Assert.Equal("numEmbeddings", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(0, 2)).ParamName);
        Assert.Equal("embeddingDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(3, -2)).ParamName);
    }
}
