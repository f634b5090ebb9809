namespace Descent.Nn;

/// <summary>
/// Stateless forms of the layers, like <c>torch.nn.functional</c>: the caller passes the weights.
/// The modules call these, so both share one implementation.
/// </summary>
/// <example><code>
/// using F = Descent.Nn.Functional;
/// var y = F.Dropout(F.Linear(x, w, b).Relu(), p: 0.2f, training: true, generator: g);
/// </code></example>
public static partial class Functional
{
    /// <summary>
    /// y = x·Wᵀ + b over the last dimension of <paramref name="input"/>, like <c>F.linear</c>;
    /// <paramref name="weight"/> is [out, in], <paramref name="bias"/> is [out] or null.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => input.Affine(weight, bias);

    /// <summary>
    /// Zeroes each element with probability <paramref name="p"/> and scales the survivors by 1/(1 − p)
    /// (inverted dropout, as <c>F.dropout</c>), so the expected value is unchanged. Outside training,
    /// or with p = 0, returns <paramref name="input"/> itself. The mask is kept for the backward pass.
    /// </summary>
    public static Tensor Dropout(Tensor input, float p = 0.5f, bool training = true, Generator? generator = null)
    {
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: probability p must be in [0, 1]");
        if (!training || p == 0f || input.Numel == 0) return input;
        // As PyTorch: with p = 1 everything is dropped (no division by zero), and gradients are 0.
        if (p == 1f) return input * 0f;
        var g = generator ?? Generator.Default;
        float keep = 1f - p, scale = 1f / keep;
        var mask = new float[input.Numel];
        for (int i = 0; i < mask.Length; i++) mask[i] = g.NextFloat() < keep ? scale : 0f;
        return input * Tensor.Create(mask, input.ShapeRef);
    }

    /// <summary>
    /// Batch normalisation over dimension 1 (channels) of an [N, C, ...] input, like <c>F.batch_norm</c>.
    /// In training, normalises with the batch's mean and biased variance and, when running statistics
    /// are given, updates them in place: mean ← (1 − momentum)·mean + momentum·batch mean, and the
    /// same for the variance with the batch's UNBIASED variance. Otherwise uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, float momentum = 0.1f, float eps = 1e-5f)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"BatchNorm: input must be [N, C, ...] with at least 2 dimensions; got input {Shape.Format(input.ShapeRef)}");
        int channels = input.Size(1);
        foreach (var (name, t) in new[] { ("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias) })
            if (t != null && (t.Rank != 1 || t.Size(0) != channels))
                throw new ArgumentException($"BatchNorm: {name} must be [C] for the input's C = {channels} channels; got input {Shape.Format(input.ShapeRef)} and {name} {Shape.Format(t.ShapeRef)}");
        if (runningMean is null != runningVar is null)
            throw new ArgumentException("BatchNorm: running_mean and running_var must both be given or both be null");
        if (!training && runningMean is null)
            throw new ArgumentException("BatchNorm: running_mean and running_var are needed when not training");

        if (training || !(runningMean!.RequiresGrad || runningVar!.RequiresGrad))
        {
            if (training && input.Numel / Math.Max(channels, 1) <= 1)
                throw new ArgumentException($"BatchNorm: expected more than 1 value per channel when training; got input {Shape.Format(input.ShapeRef)}");
            var output = input.BatchNormFused(runningMean, runningVar, weight, bias, training, eps, out var batchMean, out var batchVariance);
            if (training && runningMean != null && runningVar != null)
                UpdateRunningStats(runningMean, runningVar, batchMean!, batchVariance!, input.Numel / channels, momentum);
            return output;
        }

        // Running statistics that require grad: the composed ops differentiate through them.
        var dims = new int[input.Rank - 1];
        dims[0] = 0;
        for (int i = 2; i < input.Rank; i++) dims[i - 1] = i;
        var channelShape = ChannelShape(input.Rank, channels);
        Tensor normalized;
        if (training)
        {
            int count = input.Numel / Math.Max(channels, 1);
            if (count <= 1)
                throw new ArgumentException($"BatchNorm: expected more than 1 value per channel when training; got input {Shape.Format(input.ShapeRef)}");
            var mean = input.Mean(dims, keepDim: true);
            var centered = input - mean;
            var variance = (centered * centered).Mean(dims, keepDim: true);
            normalized = centered * (variance + eps).Sqrt().RDiv(1f);
            if (runningMean != null && runningVar != null)
                UpdateRunningStats(runningMean, runningVar, mean, variance, count, momentum);
        }
        else
        {
            normalized = (input - runningMean!.Reshape(channelShape)) * (runningVar!.Reshape(channelShape) + eps).Sqrt().RDiv(1f);
        }
        if (weight != null) normalized = normalized * weight.Reshape(channelShape);
        if (bias != null) normalized = normalized + bias.Reshape(channelShape);
        return normalized;
    }

    // [C, 1, 1, ...] so that a per-channel vector broadcasts against [N, C, d2, d3, ...].
    private static int[] ChannelShape(int rank, int channels)
    {
        var shape = new int[rank - 1];
        Array.Fill(shape, 1);
        shape[0] = channels;
        return shape;
    }

    private static void UpdateRunningStats(Tensor runningMean, Tensor runningVar, Tensor mean, Tensor variance, int count, float momentum)
    {
        // The same float expressions, in the same order, as PyTorch's batch_norm_cpu_update_stats.
        var rm = runningMean.DataSpan;
        var rv = runningVar.DataSpan;
        var m = mean.Data;
        var v = variance.Data;
        float unbias = count > 1 ? (float)count / (count - 1) : float.NaN;
        for (int c = 0; c < rm.Length; c++)
        {
            rm[c] = momentum * m[c] + (1 - momentum) * rm[c];
            rv[c] = momentum * (v[c] * unbias) + (1 - momentum) * rv[c];
        }
    }

    /// <summary>
    /// Layer normalisation over the last dimensions given by <paramref name="normalizedShape"/>, with
    /// the biased variance, like <c>F.layer_norm</c>; weight and bias have <paramref name="normalizedShape"/>.
    /// One fused op: the backward runs the kernel instead of the dozen nodes of the composed formula.
    /// </summary>
    /// <example><code>
    /// var y = Functional.LayerNorm(Tensor.Randn(2, 5, 8), [8], weight, bias); // weight and bias [8]
    /// </code></example>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
    {
        CheckNormalizedShape("LayerNorm", input, normalizedShape, weight, bias);
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be >= 0");
        return input.LayerNormFused(Shape.Numel(normalizedShape), weight, bias, eps);
    }

    /// <summary>
    /// The shape rules shared by the normalisations over trailing dimensions: the input ends in
    /// <paramref name="normalizedShape"/> and so do the affine tensors given.
    /// </summary>
    private static void CheckNormalizedShape(string op, Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        bool fits = k > 0 && input.Rank >= k && input.ShapeRef.AsSpan(input.Rank - k).SequenceEqual(normalizedShape);
        if (!fits)
            throw new ArgumentException($"{op}: input's trailing dimensions must equal normalized_shape={Shape.Format(normalizedShape)}; got input {Shape.Format(input.ShapeRef)} and weight {Shape.Format(weight?.ShapeRef ?? normalizedShape)}");
        foreach (var (name, t) in new[] { ("weight", weight), ("bias", bias) })
            if (t != null && !Shape.Equal(t.ShapeRef, normalizedShape))
                throw new ArgumentException($"{op}: {name} must have normalized_shape={Shape.Format(normalizedShape)}; got input {Shape.Format(input.ShapeRef)} and {name} {Shape.Format(t.ShapeRef)}");
    }

    /// <summary>
    /// Looks up rows of <paramref name="weight"/> ([num_embeddings, dim]) by the token ids in
    /// <paramref name="indices"/> (any shape), like <c>F.embedding</c>; the result has shape
    /// indices.shape + [dim]. Repeated ids accumulate gradient into the same row. Lookups of
    /// <paramref name="paddingIdx"/> (negative counts from the end) return that row as it is but send it no
    /// gradient. With <paramref name="maxNorm"/>, every looked-up row whose <paramref name="normType"/>-norm
    /// exceeds it is first scaled down to it in <paramref name="weight"/> itself, unrecorded, as PyTorch does.
    /// </summary>
    /// <example><code>
    /// var vectors = Functional.Embedding(IntTensor.FromArray([1, 4, 4], [3]), table); // [3, dim]
    /// var padded = Functional.Embedding(tokens, table, paddingIdx: 0, maxNorm: 1.0);
    /// </code></example>
    public static Tensor Embedding(IntTensor indices, Tensor weight, int? paddingIdx = null, double? maxNorm = null, double normType = 2)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Embedding: weight must be 2-D [num_embeddings, embedding_dim]; got input {Shape.Format(indices.ShapeRef)} and weight {Shape.Format(weight.ShapeRef)}");
        int count = weight.Size(0);
        int paddingRow = EmbeddingPaddingRow(paddingIdx, count);
        EmbeddingNorm(maxNorm, normType);
        var rows = new int[indices.Numel];
        var values = indices.Data;
        for (int i = 0; i < rows.Length; i++)
        {
            long v = values[i];
            if (v < 0 || v >= count)
                throw new ArgumentException($"Embedding: indices must be in [0, num_embeddings={count}); got {v} at flat position {i} of input {Shape.Format(indices.ShapeRef)} with weight {Shape.Format(weight.ShapeRef)}");
            rows[i] = (int)v;
        }
        var outShape = new int[indices.Rank + 1];
        indices.ShapeRef.CopyTo(outShape, 0);
        outShape[^1] = weight.Size(1);
        if (maxNorm is double m) EmbeddingLookup.Renorm(weight, rows, m, normType);
        return EmbeddingLookup.Rows(weight, rows, paddingRow, outShape);
    }

    /// <summary>PyTorch's padding_idx rule: in [-num_embeddings, num_embeddings), negative from the end; -1 for none.</summary>
    internal static int EmbeddingPaddingRow(int? paddingIdx, int numEmbeddings)
    {
        if (paddingIdx is not int p) return -1;
        if (p < -numEmbeddings || p >= numEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: paddingIdx must be within [-num_embeddings, num_embeddings) = [{-numEmbeddings}, {numEmbeddings}); got {p}");
        return p < 0 ? p + numEmbeddings : p;
    }

    /// <summary>A maxNorm must be positive and the norm's order positive (∞ allowed).</summary>
    internal static void EmbeddingNorm(double? maxNorm, double normType)
    {
        if (maxNorm is double m && !(m > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), m, $"Embedding: maxNorm must be positive; got {m}");
        if (!(normType > 0))
            throw new ArgumentOutOfRangeException(nameof(normType), normType, $"Embedding: normType must be positive (or infinity); got {normType}");
    }

    /// <summary>
    /// <see cref="Embedding(IntTensor, Tensor, int?, double?, double)"/> with token ids stored as floats (older code); each must be a whole number.
    /// </summary>
    /// <example><code>Functional.Embedding(Tensor.FromArray([1f, 4f]), table)</code></example>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null, double? maxNorm = null, double normType = 2)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Embedding(indices.AsIndices("Embedding"), weight, paddingIdx, maxNorm, normType);
    }
}
