using Descent.Nn;

namespace Descent.IO.Onnx;

/// <summary>
/// The masks of one attention as graph values, built once by the caller and shared by every layer of a
/// stack: <see cref="Blocked"/> a bool value broadcasting to [N, heads, L, S] (true = NOT allowed, as in
/// MultiheadAttention), <see cref="Additive"/> a float constant of 0 and −∞ in the same broadcast form.
/// </summary>
internal sealed record OnnxAttentionMasks(string? Blocked = null, string? Additive = null)
{
    public static readonly OnnxAttentionMasks None = new();
}

internal static partial class OnnxConverters
{
    // Self-attention as Forward(Tensor) computes it: query = key = value = the input, with no masks.
    private static OnnxValue SelfAttention(OnnxGraph g, MultiheadAttention m, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        return Attend(g, m, path, x, x, x, OnnxAttentionMasks.None, needWeights: false, averageWeights: true).Output;
    }

    // MultiheadAttention's forward in eval form (no dropout). Opset 17 has no attention operator, so the
    // heads are split with Reshape/Transpose and scored with MatMul, Mul by 1/√head_dim and Softmax; masked
    // scores become −∞ before the Softmax, as MaskedFill does in the module. The weights, when asked for,
    // are the Softmax's output averaged over the heads or per head. Callers have checked the shapes by
    // running the module.
    internal static (OnnxValue Output, string? Weights) Attend(OnnxGraph g, MultiheadAttention m, string path,
        OnnxValue query, OnnxValue key, OnnxValue value, OnnxAttentionMasks masks, bool needWeights, bool averageWeights)
    {
        bool batched = query.Rank == 3;
        // An unbatched [L, E] input is a batch of one in batch-first order, as in the module.
        bool batchFirst = m.BatchFirst || !batched;
        var unsqueezed = new Dictionary<string, string>();
        string AsBatch(OnnxValue v) => batched ? v.Name
            : unsqueezed.TryGetValue(v.Name, out var u) ? u
            : unsqueezed[v.Name] = g.Node("Unsqueeze", path, [v.Name, g.Int64s(Child(path, "axes"), [0])]);
        int e = m.EmbedDim;
        Tensor wq, wk, wv;
        Tensor? bq = null, bk = null, bv = null;
        using (Autograd.NoGrad())
        {
            if (m.InProjWeight is { } w)
                (wq, wk, wv) = (w.Narrow(0, 0, e).Transpose(0, 1), w.Narrow(0, e, e).Transpose(0, 1), w.Narrow(0, 2 * e, e).Transpose(0, 1));
            else
                (wq, wk, wv) = (m.QProjWeight!.Transpose(0, 1), m.KProjWeight!.Transpose(0, 1), m.VProjWeight!.Transpose(0, 1));
            if (m.InProjBias is { } b) (bq, bk, bv) = (b.Narrow(0, 0, e), b.Narrow(0, e, e), b.Narrow(0, 2 * e, e));
        }
        // [L, N, E] or [N, L, E] → [.., .., heads, head_dim], then to [N, heads, L, head_dim]; keys go to
        // [N, heads, head_dim, S] so that one MatMul scores them.
        string Project(string name, OnnxValue input, Tensor weightT, Tensor? bias, long[] perm)
        {
            var y = g.Node("MatMul", path, [AsBatch(input), g.Weight(Child(path, $"{name}_proj_weight_t"), weightT)]);
            if (bias != null) y = g.Node("Add", path, [y, g.Weight(Child(path, $"{name}_proj_bias"), bias)]);
            y = g.Node("Reshape", path, [y, g.Int64s(Child(path, "heads"), [0, 0, m.NumHeads, m.HeadDim])]);
            return g.Node("Transpose", path, [y], OnnxAttribute.IntList("perm", perm));
        }
        long[] toHeads = batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3];
        var q = Project("q", query, wq, bq, toHeads);
        var k = Project("k", key, wk, bk, batchFirst ? [0, 2, 3, 1] : [1, 2, 3, 0]);
        var v = Project("v", value, wv, bv, toHeads);
        var scores = g.Node("Mul", path, [g.Node("MatMul", path, [q, k]), g.Scalar(Child(path, "scale"), 1f / MathF.Sqrt(m.HeadDim))]);
        if (masks.Additive != null) scores = Binary(g, "Add", path, scores, masks.Additive);
        if (masks.Blocked != null) scores = g.Node("Where", path, [masks.Blocked, g.Scalar(Child(path, "minus_inf"), float.NegativeInfinity), scores]);
        var weights = g.Node("Softmax", path, [scores], OnnxAttribute.Int("axis", -1));
        // A query whose every key is masked has a Softmax over −∞ alone, NaN. The module's fused path
        // (without weights) attends to nothing there and gives 0, its weights path NaN, as PyTorch's.
        if (!needWeights && (masks.Blocked != null || masks.Additive != null))
        {
            var best = g.Node("ReduceMax", path, [scores], OnnxAttribute.IntList("axes", -1), OnnxAttribute.Int("keepdims", 1));
            var empty = g.Node("Equal", path, [best, g.Scalar(Child(path, "minus_inf"), float.NegativeInfinity)]);
            weights = g.Node("Where", path, [empty, g.Scalar(Child(path, "zero"), 0f), weights]);
        }
        var attended = g.Node("MatMul", path, [weights, v]);
        var joined = g.Node("Transpose", path, [attended], OnnxAttribute.IntList("perm", batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]));
        joined = g.Node("Reshape", path, [joined, g.Int64s(Child(path, "joined"), [0, 0, e])]);
        int[] joinedShape = batched ? query.Shape : [1, .. query.Shape];
        var output = Dense(g, m.OutProj, Child(path, "out_proj"), new OnnxValue(joined, joinedShape, query.Batch)).Name;
        if (!batched) output = g.Node("Squeeze", path, [output, g.Int64s(Child(path, "axes"), [0])]);
        string? weightsOut = null;
        if (needWeights)
        {
            weightsOut = averageWeights
                ? g.Node("ReduceMean", path, [weights], OnnxAttribute.IntList("axes", 1), OnnxAttribute.Int("keepdims", 0))
                : weights;
            if (!batched) weightsOut = g.Node("Squeeze", path, [weightsOut, g.Int64s(Child(path, "axes"), [0])]);
        }
        return (query with { Name = output }, weightsOut);
    }

    // PyTorch's causal mask, triu(ones(L, S), 1): key j is hidden from query i when j > i. Built from the
    // inputs' run-time lengths, so the graph serves any sequence length.
    internal static string CausalMask(OnnxGraph g, string path, OnnxValue query, int queryDim, OnnxValue key, int keyDim)
    {
        string Positions(OnnxValue v, int dim, long axis)
        {
            var length = g.Node("Shape", path, [v.Name], OnnxAttribute.Int("start", dim), OnnxAttribute.Int("end", dim + 1));
            length = g.Node("Squeeze", path, [length, g.Int64s(Child(path, "axes"), [0])]);
            var range = g.Node("Range", path, [g.Int64Scalar(Child(path, "zero"), 0), length, g.Int64Scalar(Child(path, "one"), 1)]);
            return g.Node("Unsqueeze", path, [range, g.Int64s(Child(path, "axes"), [axis])]);
        }
        return g.Node("Greater", path, [Positions(key, keyDim, 0), Positions(query, queryDim, 1)]);
    }

    // A key padding mask input, [N, S] (or [S] unbatched), as [N, 1, 1, S] to broadcast over heads and queries.
    internal static string PaddingMask(OnnxGraph g, string path, string mask, bool batched) =>
        g.Node("Unsqueeze", path, [mask, g.Int64s(Child(path, "axes"), batched ? [1, 2] : [0, 1, 2])]);

    // A constant boolean mask [L, S] or [N·heads, L, S] as 0 and −∞ to add to the scores, per head as [N, heads, L, S].
    internal static string AdditiveMask(OnnxGraph g, string path, BoolTensor mask, int heads)
    {
        var values = mask.ToArray().Select(blocked => blocked ? float.NegativeInfinity : 0f).ToArray();
        int[] shape = mask.Rank == 2 ? mask.Shape : [mask.Shape[0] / heads, heads, mask.Shape[1], mask.Shape[2]];
        return g.Weight(path, Tensor.FromArray(values, shape));
    }
}
