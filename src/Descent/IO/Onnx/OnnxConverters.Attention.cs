using Descent.Nn;

namespace Descent.IO.Onnx;

internal static partial class OnnxConverters
{
    // LayerNormalization (new in opset 17) requires its Scale input, so a LayerNorm without an affine
    // weight scales by ones.
    private static OnnxValue LayerNormalize(OnnxGraph g, LayerNorm m, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        var normalized = m.NormalizedShape;
        string[] inputs = m.Bias is null
            ? [x.Name, g.Weight(Child(path, "weight"), m.Weight ?? Tensor.Ones(normalized))]
            : [x.Name, g.Weight(Child(path, "weight"), m.Weight ?? Tensor.Ones(normalized)), g.Weight(Child(path, "bias"), m.Bias)];
        var y = g.Node("LayerNormalization", path, inputs,
            OnnxAttribute.Int("axis", -normalized.Length), OnnxAttribute.Float("epsilon", m.Eps));
        return x with { Name = y };
    }

    // Opset 17 has no RMSNormalization (it arrives in opset 23), so it is spelled out:
    // x / √(mean(x²) + eps) · weight over the normalized dimensions, with PyTorch's default eps.
    private static OnnxValue RootMeanSquareNormalize(OnnxGraph g, RMSNorm m, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        int k = m.NormalizedShape.Length;
        var meanSquare = g.Node("ReduceMean", path, [Binary(g, "Mul", path, x.Name, x.Name)],
            OnnxAttribute.IntList("axes", [.. Enumerable.Range(-k, k).Select(a => (long)a)]), OnnxAttribute.Int("keepdims", 1));
        var rms = g.Node("Sqrt", path, [Binary(g, "Add", path, meanSquare, g.Scalar(Child(path, "eps"), m.Eps ?? Functional.Float32Eps))]);
        var y = Binary(g, "Div", path, x.Name, rms);
        if (m.Weight != null) y = Binary(g, "Mul", path, y, g.Weight(Child(path, "weight"), m.Weight));
        return x with { Name = y };
    }

    // Self-attention as Forward(Tensor) computes it, query = key = value = the input, with no masks
    // (Forward(Tensor) takes none) and no dropout (eval form); opset 17 has no attention operator, so
    // the heads are split with Reshape/Transpose and scored with MatMul, Mul by 1/√head_dim and Softmax.
    private static OnnxValue SelfAttention(OnnxGraph g, MultiheadAttention m, string path, OnnxValue x)
    {
        var shape = ShapeAfter(m, path, x);
        bool batched = x.Rank == 3;
        // An unbatched [L, E] input is a batch of one in batch-first order, as in the module.
        bool batchFirst = m.BatchFirst || !batched;
        var seq = batched ? x.Name : g.Node("Unsqueeze", path, [x.Name, g.Int64s(Child(path, "axes"), [0])]);
        int e = m.EmbedDim;
        Tensor wq, wk, wv;
        Tensor? bq = null, bk = null, bv = null;
        using (Autograd.NoGrad())
        {
            // ShapeAfter has rejected kdim or vdim ≠ embed_dim (the input is the key and value too), and with
            // both equal the module holds the one packed in_proj_weight.
            var w = m.InProjWeight!;
            (wq, wk, wv) = (w.Narrow(0, 0, e).Transpose(0, 1), w.Narrow(0, e, e).Transpose(0, 1), w.Narrow(0, 2 * e, e).Transpose(0, 1));
            if (m.InProjBias is { } b) (bq, bk, bv) = (b.Narrow(0, 0, e), b.Narrow(0, e, e), b.Narrow(0, 2 * e, e));
        }
        // [L, N, E] or [N, L, E] → [.., .., heads, head_dim], then to [N, heads, L, head_dim]; keys go to
        // [N, heads, head_dim, S] so that one MatMul scores them.
        string Project(string name, Tensor weightT, Tensor? bias, long[] perm)
        {
            var y = g.Node("MatMul", path, [seq, g.Weight(Child(path, $"{name}_proj_weight_t"), weightT)]);
            if (bias != null) y = g.Node("Add", path, [y, g.Weight(Child(path, $"{name}_proj_bias"), bias)]);
            y = g.Node("Reshape", path, [y, g.Int64s(Child(path, "heads"), [0, 0, m.NumHeads, m.HeadDim])]);
            return g.Node("Transpose", path, [y], OnnxAttribute.IntList("perm", perm));
        }
        long[] toHeads = batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3];
        var q = Project("q", wq, bq, toHeads);
        var k = Project("k", wk, bk, batchFirst ? [0, 2, 3, 1] : [1, 2, 3, 0]);
        var v = Project("v", wv, bv, toHeads);
        var scores = g.Node("Mul", path, [g.Node("MatMul", path, [q, k]), g.Scalar(Child(path, "scale"), 1f / MathF.Sqrt(m.HeadDim))]);
        var attended = g.Node("MatMul", path, [g.Node("Softmax", path, [scores], OnnxAttribute.Int("axis", -1)), v]);
        var joined = g.Node("Transpose", path, [attended], OnnxAttribute.IntList("perm", batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]));
        joined = g.Node("Reshape", path, [joined, g.Int64s(Child(path, "joined"), [0, 0, e])]);
        int[] joinedShape = batched ? shape : [1, .. shape];
        var output = Dense(g, m.OutProj, Child(path, "out_proj"), new OnnxValue(joined, joinedShape, x.Batch)).Name;
        if (!batched) output = g.Node("Squeeze", path, [output, g.Int64s(Child(path, "axes"), [0])]);
        return x with { Name = output, Shape = shape };
    }

    // The eval form: the three Dropouts are identities and leave no node.
    private static OnnxValue EncoderLayer(OnnxGraph g, TransformerEncoderLayer m, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        OnnxValue Attend(OnnxValue v) => SelfAttention(g, m.SelfAttn, Child(path, "self_attn"), v);
        OnnxValue FeedForward(OnnxValue v)
        {
            var hidden = Dense(g, m.Linear1, Child(path, "linear1"), v);
            // PyTorch's "gelu" here is the exact (erf) form.
            hidden = m.Activation == "gelu" ? Gelu(g, "none", Child(path, "activation"), hidden) : Unary(g, "Relu", Child(path, "activation"), hidden);
            return Dense(g, m.Linear2, Child(path, "linear2"), hidden);
        }
        OnnxValue Residual(OnnxValue a, OnnxValue b) => a with { Name = g.Node("Add", path, [a.Name, b.Name]) };
        OnnxValue Norm(LayerNorm n, string name, OnnxValue v) => LayerNormalize(g, n, Child(path, name), v);
        if (m.NormFirst)
        {
            x = Residual(x, Attend(Norm(m.Norm1, "norm1", x)));
            return Residual(x, FeedForward(Norm(m.Norm2, "norm2", x)));
        }
        x = Norm(m.Norm1, "norm1", Residual(x, Attend(x)));
        return Norm(m.Norm2, "norm2", Residual(x, FeedForward(x)));
    }
}
