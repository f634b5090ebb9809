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
