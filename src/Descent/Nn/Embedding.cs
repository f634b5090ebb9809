namespace Descent.Nn;

/// <summary>
/// A lookup table of learnable vectors, like <c>torch.nn.Embedding</c>: weight [num_embeddings,
/// embedding_dim] initialised N(0, 1). The input is an <see cref="IntTensor"/> of token ids of any shape
/// (a float tensor of whole numbers is still accepted); the output has its shape plus [embedding_dim].
/// PyTorch's options: <see cref="PaddingIdx"/> (that row starts at zero and gets no gradient) and
/// <see cref="MaxNorm"/> (looked-up rows are scaled down to that norm in the table before each lookup).
/// </summary>
/// <example><code>
/// var emb = new Embedding(10, 3, new Generator(0));
/// var v = emb.Forward(IntTensor.FromArray([1, 4, 4], [3])); // [3, 3]
/// var padded = new Embedding(10, 3, paddingIdx: 0, maxNorm: 1.0);
/// </code></example>
public sealed class Embedding : Module
{
    /// <summary>
    /// Creates the table; <paramref name="generator"/> seeds the initial vectors. <paramref name="paddingIdx"/>
    /// (in [-numEmbeddings, numEmbeddings), negative from the end) names a row that starts at zero and gets
    /// no gradient; <paramref name="maxNorm"/> caps the <paramref name="normType"/>-norm of looked-up rows.
    /// </summary>
    public Embedding(int numEmbeddings, int embeddingDim, Generator? generator = null, int? paddingIdx = null,
        double? maxNorm = null, double normType = 2)
    {
        if (numEmbeddings <= 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: num_embeddings must be > 0");
        if (embeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embedding_dim must be > 0");
        int paddingRow = Functional.EmbeddingPaddingRow(paddingIdx, numEmbeddings);
        Functional.EmbeddingNorm(maxNorm, normType);
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is null ? null : paddingRow;
        MaxNorm = maxNorm;
        NormType = normType;
        var table = Tensor.Randn([numEmbeddings, embeddingDim], generator);
        // PyTorch's reset_parameters zeroes the padding row after drawing the others, so the draws are the same.
        if (paddingIdx is not null) table.DataSpan.Slice(paddingRow * embeddingDim, embeddingDim).Clear();
        _weight = RegisterParameter("weight", table);
    }

    /// <summary>The row that gets no gradient (normalised to [0, numEmbeddings)), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>The largest norm a looked-up row may have, or null for no limit.</summary>
    public double? MaxNorm { get; }

    /// <summary>The order of the norm <see cref="MaxNorm"/> caps (PyTorch's default: 2).</summary>
    public double NormType { get; }

    /// <summary>Number of rows in the table.</summary>
    public int NumEmbeddings { get; }

    /// <summary>Length of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "") + (MaxNorm is double n ? $", max_norm={ModuleText.Float(n)}" : "")
        + (NormType != 2 ? $", norm_type={ModuleText.Float(NormType)}" : "");

    private Parameter _weight;

    /// <summary>
    /// The table, [num_embeddings, embedding_dim]. Setting it to another module's parameter of that
    /// shape ties the two (nanoGPT's <c>wte.weight = lm_head.weight</c>); see <see cref="Module"/> for the rules.
    /// </summary>
    /// <example><code>wte.Weight = lmHead.Weight; // lmHead Linear(dim, vocab), wte Embedding(vocab, dim)</code></example>
    public Parameter Weight
    {
        get => _weight;
        set => _weight = ReplaceParameter("weight", value, [NumEmbeddings, EmbeddingDim], "[num_embeddings, embedding_dim]");
    }

    /// <summary>The vectors of the token ids in <paramref name="input"/>: input.shape + [embedding_dim].</summary>
    /// <example><code>var x = emb.Forward(tokens); // tokens [batch, time] → [batch, time, embedding_dim]</code></example>
    public Tensor Forward(IntTensor input) => Functional.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType);

    /// <summary>Token ids stored as floats (older code, or a <see cref="Sequential"/>); each must be a whole number.</summary>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType);
}
