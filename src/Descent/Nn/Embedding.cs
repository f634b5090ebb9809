namespace Descent.Nn;

/// <summary>
/// A lookup table of learnable vectors, like <c>torch.nn.Embedding</c>: weight [num_embeddings,
/// embedding_dim] initialised N(0, 1). The input is a float tensor of whole-number indices of any
/// shape; the output has its shape plus [embedding_dim].
/// </summary>
/// <example><code>
/// var emb = new Embedding(10, 3, new Generator(0));
/// var v = emb.Forward(Tensor.FromArray([1f, 4f, 4f])); // [3, 3]
/// </code></example>
public sealed class Embedding : Module
{
    /// <summary>Creates the table; <paramref name="generator"/> seeds the initial vectors.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, Generator? generator = null)
    {
        if (numEmbeddings <= 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: num_embeddings must be > 0");
        if (embeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embedding_dim must be > 0");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", Tensor.Randn([numEmbeddings, embeddingDim], generator));
    }

    /// <summary>Number of rows in the table.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Length of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The table, [num_embeddings, embedding_dim].</summary>
    public Parameter Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight);
}
