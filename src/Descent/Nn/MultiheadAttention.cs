namespace Descent.Nn;

/// <summary>
/// Multi-head attention, like <c>torch.nn.MultiheadAttention</c> (without add_bias_kv and add_zero_attn):
/// query, key and value are projected, split into <see cref="NumHeads"/> heads of
/// <see cref="HeadDim"/> = embedDim / numHeads, attended per head with scale 1/√HeadDim, joined and
/// projected by <see cref="OutProj"/>. Parameters carry PyTorch's names: <c>in_proj_weight</c> [3E, E]
/// (or <c>q_proj_weight</c> [E, E], <c>k_proj_weight</c> [E, kdim], <c>v_proj_weight</c> [E, vdim] when
/// kdim or vdim differ from E), <c>in_proj_bias</c> [3E], <c>out_proj.weight</c>, <c>out_proj.bias</c>,
/// initialised as PyTorch does (Xavier-uniform projections, zero biases, out_proj's weight as a Linear's).
/// Inputs are [L, N, E] (sequence first, PyTorch's default), [N, L, E] with batchFirst, or unbatched [L, E].
/// <para>
/// The masks follow nn.MultiheadAttention, NOT <see cref="Functional.ScaledDotProductAttention"/>: in a
/// boolean <c>attnMask</c> or <c>keyPaddingMask</c>, <c>true</c> marks a position that is NOT allowed to
/// take part.
/// </para>
/// </summary>
/// <example><code>
/// var mha = new MultiheadAttention(16, 4, batchFirst: true, generator: new Generator(0));
/// var x = Tensor.Randn([2, 5, 16], new Generator(1));
/// var causal = Tensor.Ones(5, 5).Triu(1).Bool(); // true above the diagonal: not allowed
/// var (y, weights) = mha.Forward(x, x, x, attnMask: causal); // y [2, 5, 16], weights [2, 5, 5]
/// </code></example>
public sealed class MultiheadAttention : Module
{
    private readonly Generator? _generator;

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initial weights and the attention dropout.</summary>
    /// <param name="embedDim">E, the width of the queries and of the output.</param>
    /// <param name="numHeads">Heads; must divide <paramref name="embedDim"/>.</param>
    /// <param name="dropout">Dropout probability on the attention weights, in training only.</param>
    /// <param name="bias">Whether the input and output projections have biases.</param>
    /// <param name="kdim">Width of the keys; E when null.</param>
    /// <param name="vdim">Width of the values; E when null.</param>
    /// <param name="batchFirst">Inputs and output are [N, L, E] instead of [L, N, E].</param>
    public MultiheadAttention(int embedDim, int numHeads, float dropout = 0f, bool bias = true, int? kdim = null, int? vdim = null,
        bool batchFirst = false, Generator? generator = null)
    {
        if (embedDim <= 0) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "MultiheadAttention: embed_dim must be > 0");
        if (numHeads <= 0) throw new ArgumentOutOfRangeException(nameof(numHeads), numHeads, "MultiheadAttention: num_heads must be > 0");
        if (embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim must be divisible by num_heads; got embedDim {embedDim} and numHeads {numHeads}");
        if (!(dropout >= 0f && dropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "MultiheadAttention: dropout must be in [0, 1]");
        if (kdim <= 0) throw new ArgumentOutOfRangeException(nameof(kdim), kdim, "MultiheadAttention: kdim must be > 0");
        if (vdim <= 0) throw new ArgumentOutOfRangeException(nameof(vdim), vdim, "MultiheadAttention: vdim must be > 0");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        KDim = kdim ?? embedDim;
        VDim = vdim ?? embedDim;
        Dropout = dropout;
        BatchFirst = batchFirst;
        _generator = generator;

        // Registered in PyTorch's order, so the state dict lists the same keys in the same order.
        if (KDim == embedDim && VDim == embedDim)
        {
            InProjWeight = RegisterParameter("in_proj_weight", Tensor.Zeros(3 * embedDim, embedDim));
            RegisterParameter("q_proj_weight", (Parameter?)null);
            RegisterParameter("k_proj_weight", (Parameter?)null);
            RegisterParameter("v_proj_weight", (Parameter?)null);
        }
        else
        {
            QProjWeight = RegisterParameter("q_proj_weight", Tensor.Zeros(embedDim, embedDim));
            KProjWeight = RegisterParameter("k_proj_weight", Tensor.Zeros(embedDim, KDim));
            VProjWeight = RegisterParameter("v_proj_weight", Tensor.Zeros(embedDim, VDim));
            RegisterParameter("in_proj_weight", (Parameter?)null);
        }
        InProjBias = RegisterParameter("in_proj_bias", bias ? new Parameter(Tensor.Zeros(3 * embedDim)) : null);
        // PyTorch builds out_proj (drawing its weight) before _reset_parameters draws the projections.
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, generator));
        if (InProjWeight != null) Init.XavierUniform(InProjWeight, generator: generator);
        else
        {
            Init.XavierUniform(QProjWeight!, generator: generator);
            Init.XavierUniform(KProjWeight!, generator: generator);
            Init.XavierUniform(VProjWeight!, generator: generator);
        }
        if (OutProj.Bias != null) Init.Zeros(OutProj.Bias);
    }

    /// <summary>E, the width of the queries and of the output.</summary>
    public int EmbedDim { get; }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Width of one head, EmbedDim / NumHeads.</summary>
    public int HeadDim { get; }

    /// <summary>Width of the keys.</summary>
    public int KDim { get; }

    /// <summary>Width of the values.</summary>
    public int VDim { get; }

    /// <summary>Dropout probability on the attention weights (training only).</summary>
    public float Dropout { get; }

    /// <summary>Whether inputs and output are [N, L, E].</summary>
    public bool BatchFirst { get; }

    /// <summary>The packed query, key and value projection [3E, E], or null when kdim or vdim differ from E.</summary>
    public Parameter? InProjWeight { get; }

    /// <summary>The query projection [E, E] when kdim or vdim differ from E, else null.</summary>
    public Parameter? QProjWeight { get; }

    /// <summary>The key projection [E, kdim] when kdim or vdim differ from E, else null.</summary>
    public Parameter? KProjWeight { get; }

    /// <summary>The value projection [E, vdim] when kdim or vdim differ from E, else null.</summary>
    public Parameter? VProjWeight { get; }

    /// <summary>The packed projection biases [3E], or null when created with bias: false.</summary>
    public Parameter? InProjBias { get; }

    /// <summary>The output projection (E → E).</summary>
    public Linear OutProj { get; }

    /// <summary>
    /// Self-attention (query = key = value = <paramref name="input"/>) without masks, returning only the
    /// output: <see cref="Module.Forward(Tensor)"/> takes one input, so a module in a <see cref="Sequential"/> attends to itself.
    /// </summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input, needWeights: false).Output;

    /// <summary>
    /// Attention of <paramref name="query"/> over <paramref name="key"/> and <paramref name="value"/>, like
    /// nn.MultiheadAttention's forward. Shapes, with N the batch: query [L, N, E], key [S, N, kdim], value
    /// [S, N, vdim] ([N, ·, ·] with batchFirst; no N when unbatched). Masks (true = NOT allowed, as PyTorch):
    /// <paramref name="keyPaddingMask"/> [N, S] hides keys; <paramref name="attnMask"/> [L, S] or
    /// [N·heads, L, S] hides pairs; <paramref name="attnBias"/> (PyTorch's float attn_mask, same shapes) is
    /// added to the scores. <paramref name="isCausal"/> is PyTorch's hint that the given mask is causal:
    /// it requires a mask and the mask is what is used.
    /// Returns the output [L, N, E] (or [N, L, E]) and, when <paramref name="needWeights"/>, the attention
    /// weights after dropout, [N, L, S] averaged over heads or [N, heads, L, S]. With needWeights the
    /// weights are computed with separate ops as PyTorch does (a fully masked row gives NaN, as there);
    /// without, one fused op like <see cref="Functional.ScaledDotProductAttention"/> that reads the heads where the projections put them (a fully masked row gives 0).
    /// Dropout draws the same mask either way.
    /// </summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, BoolTensor? keyPaddingMask = null,
        bool needWeights = true, BoolTensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false, Tensor? attnBias = null) =>
        Forward(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal, attnBias, residual: null);

    /// <summary>
    /// <paramref name="residual"/> + the attention's output without weights, as a transformer layer's attention
    /// block joins its input: the residual is added in the output projection's write where it has the output's
    /// shape (the bits of the separate add), else by the add itself.
    /// </summary>
    internal Tensor Forward(Tensor query, Tensor key, Tensor value, BoolTensor? keyPaddingMask, BoolTensor? attnMask, bool isCausal, Tensor residual) =>
        Forward(query, key, value, keyPaddingMask, needWeights: false, attnMask, averageAttnWeights: true, isCausal, attnBias: null, residual).Output;

    private (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, BoolTensor? keyPaddingMask,
        bool needWeights, BoolTensor? attnMask, bool averageAttnWeights, bool isCausal, Tensor? attnBias, Tensor? residual)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var (n, l, s, batched) = CheckShapes(query, key, value, keyPaddingMask, attnMask, attnBias, isCausal);

        // Self-attention is recognised before unbatched inputs are reshaped into new tensors.
        bool self = ReferenceEquals(query, key) && ReferenceEquals(key, value);
        // Unbatched inputs are a batch of one in batch-first order.
        bool batchFirst = BatchFirst || !batched;
        if (!batched)
        {
            query = query.Unsqueeze(0);
            key = self ? query : key.Unsqueeze(0);
            value = self ? query : value.Unsqueeze(0);
        }

        // Masks as [L, S] or [N, heads, L, S], true = not allowed.
        BoolTensor? blocked = attnMask?.Rank == 3 ? attnMask.Reshape(n, NumHeads, l, s) : attnMask;
        if (keyPaddingMask != null)
        {
            var padding = keyPaddingMask.Reshape(n, 1, 1, s);
            blocked = blocked == null ? padding : blocked | padding;
        }
        var bias = attnBias?.Rank == 3 ? attnBias.Reshape(n, NumHeads, l, s) : attnBias;
        float p = Training ? Dropout : 0f;

        Tensor? weights = null;
        Tensor joined;
        if (needWeights)
        {
            var (pq, pk, pv) = Projections(query, key, value);
            var q = Heads(pq, n, l, batchFirst);
            var k = Heads(pk, n, s, batchFirst);
            var v = Heads(pv, n, s, batchFirst);
            var scores = (q * MathF.Sqrt(1f / HeadDim)).MatMul(k, transposeB: true);
            if (bias != null) scores = scores + bias;
            if (blocked != null) scores = scores.MaskedFill(blocked, float.NegativeInfinity);
            weights = scores.Softmax(-1);
            if (p > 0f) weights = Functional.Dropout(weights, p, training: true, generator: _generator);
            var attended = weights.MatMul(v);
            if (averageAttnWeights) weights = weights.Mean(1);
            if (!batched) weights = weights.Squeeze(0);
            // [N, heads, L, Eh] back to the input's order, heads joined.
            joined = batchFirst
                ? attended.Permute(0, 2, 1, 3).Reshape(n, l, EmbedDim)
                : attended.Permute(2, 0, 1, 3).Reshape(l, n, EmbedDim);
        }
        else
        {
            // One fused op reads the heads where the projections put them and writes them joined. Self-attention
            // projects q, k and v in one product, as PyTorch's in_proj does, and attends over its three column blocks.
            Tensor.HeadsOperand oq, ok, ov;
            if (self && InProjWeight != null)
            {
                var qkv = Functional.Linear(query, InProjWeight, InProjBias);
                (oq, ok, ov) = (new(qkv, 0), new(qkv, EmbedDim), new(qkv, 2 * EmbedDim));
            }
            else
            {
                var (pq, pk, pv) = Projections(query, key, value);
                (oq, ok, ov) = (new(pq, 0), new(pk, 0), new(pv, 0));
            }
            joined = Tensor.HeadsAttention(oq, ok, ov, NumHeads, HeadDim, batchFirst, blocked == null ? null : !blocked, bias, p, _generator);
        }
        if (residual != null && batched && Shape.Equal(residual.ShapeRef, joined.ShapeRef))
            return (joined.AffineResidual(OutProj.Weight, OutProj.Bias, residual), weights);
        var output = OutProj.Forward(joined);
        if (!batched) output = output.Squeeze(0);
        return (residual != null ? residual + output : output, weights);
    }

    // The three input projections, each [N, L, E] (or [L, N, E]).
    private (Tensor Q, Tensor K, Tensor V) Projections(Tensor query, Tensor key, Tensor value)
    {
        var (wq, wk, wv) = InProjWeight != null
            ? (InProjWeight.Narrow(0, 0, EmbedDim), InProjWeight.Narrow(0, EmbedDim, EmbedDim), InProjWeight.Narrow(0, 2 * EmbedDim, EmbedDim))
            : ((Tensor)QProjWeight!, (Tensor)KProjWeight!, (Tensor)VProjWeight!);
        var (bq, bk, bv) = InProjBias != null
            ? (InProjBias.Narrow(0, 0, EmbedDim), InProjBias.Narrow(0, EmbedDim, EmbedDim), InProjBias.Narrow(0, 2 * EmbedDim, EmbedDim))
            : ((Tensor?)null, (Tensor?)null, (Tensor?)null);
        return (Functional.Linear(query, wq, bq), Functional.Linear(key, wk, bk), Functional.Linear(value, wv, bv));
    }

    // [L, N, E] (or [N, L, E]) to [N, heads, L, HeadDim].
    private Tensor Heads(Tensor x, int n, int length, bool batchFirst) => batchFirst
        ? x.Reshape(n, length, NumHeads, HeadDim).Permute(0, 2, 1, 3)
        : x.Reshape(length, n, NumHeads, HeadDim).Permute(1, 2, 0, 3);

    private (int N, int L, int S, bool Batched) CheckShapes(Tensor query, Tensor key, Tensor value, BoolTensor? keyPaddingMask,
        BoolTensor? attnMask, Tensor? attnBias, bool isCausal)
    {
        string Shapes() => $"query {Shape.Format(query.ShapeRef)}, key {Shape.Format(key.ShapeRef)}, value {Shape.Format(value.ShapeRef)}";
        string layout = BatchFirst ? "[N, L, E], [N, S, kdim], [N, S, vdim]" : "[L, N, E], [S, N, kdim], [S, N, vdim]";
        int rank = query.Rank;
        if (rank is not (2 or 3) || key.Rank != rank || value.Rank != rank)
            throw new ArgumentException($"MultiheadAttention: query, key and value must be {layout} (or unbatched [L, E], [S, kdim], [S, vdim]); got {Shapes()}");
        bool batched = rank == 3;
        int seqDim = batched && BatchFirst ? 1 : 0;
        int batchDim = batched ? 1 - seqDim : -1;
        if (query.Size(-1) != EmbedDim || key.Size(-1) != KDim || value.Size(-1) != VDim)
            throw new ArgumentException($"MultiheadAttention: the last dimensions must be embed_dim = {EmbedDim}, kdim = {KDim} and vdim = {VDim}; got {Shapes()}");
        if (key.Size(seqDim) != value.Size(seqDim))
            throw new ArgumentException($"MultiheadAttention: key and value must have the same sequence length S; got {Shapes()}");
        int n = batched ? query.Size(batchDim) : 1;
        if (batched && (key.Size(batchDim) != n || value.Size(batchDim) != n))
            throw new ArgumentException($"MultiheadAttention: query, key and value must have the same batch size N (dimension {batchDim}); got {Shapes()}");
        int l = query.Size(seqDim), s = key.Size(seqDim);

        if (keyPaddingMask != null)
        {
            int[] expected = batched ? [n, s] : [s];
            if (!Shape.Equal(keyPaddingMask.ShapeRef, expected))
                throw new ArgumentException($"MultiheadAttention: keyPaddingMask must be [N, S] = {Shape.Format(expected)} (one flag per key); got keyPaddingMask {Shape.Format(keyPaddingMask.ShapeRef)} with {Shapes()}");
        }
        foreach (var (name, shape) in new[] { ("attnMask", attnMask?.ShapeRef), ("attnBias", attnBias?.ShapeRef) })
        {
            if (shape == null) continue;
            int[] perHead = [batched ? n * NumHeads : NumHeads, l, s];
            if (!Shape.Equal(shape, [l, s]) && !Shape.Equal(shape, perHead))
                throw new ArgumentException($"MultiheadAttention: {name} must be [L, S] = {Shape.Format([l, s])} or [N·heads, L, S] = {Shape.Format(perHead)}; got {name} {Shape.Format(shape)} with {Shapes()}");
        }
        if (isCausal && attnMask == null && attnBias == null)
            throw new ArgumentException("MultiheadAttention: isCausal is a hint that attnMask is the causal mask, so attnMask must be given (as in PyTorch)");
        return (n, l, s, batched);
    }
}
