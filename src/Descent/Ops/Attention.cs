using Descent.Kernels;

namespace Descent;

// Scaled dot-product attention as one fused op (AttentionKernel). Internal: Functional.ScaledDotProductAttention
// is the API and documents it.
public partial class Tensor
{
    internal static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, BoolTensor? attnMask, Tensor? attnBias,
        float dropoutP, bool isCausal, float? scale, Generator? generator)
    {
        const string op = "ScaledDotProductAttention";
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        string Shapes() => $"query {Descent.Shape.Format(query._shape)}, key {Descent.Shape.Format(key._shape)}, value {Descent.Shape.Format(value._shape)}";
        if (query.Rank < 2 || key.Rank < 2 || value.Rank < 2)
            throw new ArgumentException($"{op}: query, key and value must be [..., L, E], [..., S, E] and [..., S, Ev] with at least 2 dimensions; got {Shapes()}");
        int l = query._shape[^2], e = query._shape[^1], s = key._shape[^2], ev = value._shape[^1];
        if (key._shape[^1] != e)
            throw new ArgumentException($"{op}: query and key must have the same last dimension E; got {Shapes()}");
        if (value._shape[^2] != s)
            throw new ArgumentException($"{op}: key and value must have the same sequence length S (dimension -2); got {Shapes()}");
        if (!(dropoutP >= 0f && dropoutP <= 1f))
            throw new ArgumentOutOfRangeException(nameof(dropoutP), dropoutP, $"{op}: dropout probability must be in [0, 1]");
        if (isCausal && (attnMask != null || attnBias != null))
            throw new ArgumentException($"{op}: an explicit attention mask must not be given with isCausal = true (the causal mask is built from L = {l} and S = {s})");

        var batch = Descent.Shape.Broadcast(op, query._shape.AsSpan(0, query.Rank - 2), key._shape.AsSpan(0, key.Rank - 2));
        batch = Descent.Shape.Broadcast(op, batch, value._shape.AsSpan(0, value.Rank - 2));
        int[] scoreShape = [.. batch, l, s];
        foreach (var (name, maskShape) in new[] { ("attnMask", attnMask?.ShapeRef), ("attnBias", attnBias?.ShapeRef) })
        {
            if (maskShape == null) continue;
            bool fits = maskShape.Length <= scoreShape.Length;
            for (int i = 1; fits && i <= maskShape.Length; i++)
                fits = maskShape[^i] == 1 || maskShape[^i] == scoreShape[^i];
            if (!fits)
                throw new ArgumentException($"{op}: {name} must broadcast to the scores' shape [..., L, S] = {Descent.Shape.Format(scoreShape)}; got {name} {Descent.Shape.Format(maskShape)} with {Shapes()}");
        }

        // Broadcast batch dimensions through Expand, whose backward sums the gradient back.
        var q = query.Expand([.. batch, l, e]);
        var k = key.Expand([.. batch, s, e]);
        var v = value.Expand([.. batch, s, ev]);
        int count = Descent.Shape.Numel(batch);
        float factor = scale ?? 1f / MathF.Sqrt(e);

        float[] mask = AttentionMask(attnMask, attnBias, scoreShape);
        float[] keep = DropoutKeep(count * l * s, dropoutP, generator);

        var probabilities = Uninitialized(scoreShape);
        var result = Uninitialized([.. batch, l, ev]);
        AttentionKernel.Forward(count, l, s, e, ev, factor, isCausal, q.Data, k.Data, v.Data, mask, keep, probabilities.DataSpan, result.DataSpan);

        bool biasGrad = attnBias is { RequiresGrad: true };
        Tensor[] inputs = biasGrad ? [q, k, v, attnBias!] : [q, k, v];
        return Graph.Record(result, "ScaledDotProductAttentionBackward0", inputs, g =>
        {
            var gq = q.RequiresGrad ? Uninitialized(q._shape) : null;
            var gk = k.RequiresGrad ? Uninitialized(k._shape) : null;
            var gv = v.RequiresGrad ? Uninitialized(v._shape) : null;
            var gs = biasGrad ? Uninitialized(scoreShape) : null;
            AttentionKernel.Backward(count, l, s, e, ev, factor, q.Data, k.Data, v.Data, keep, probabilities.Data, result.Data, g.Data,
                gq != null ? gq.DataSpan : default, gk != null ? gk.DataSpan : default, gv != null ? gv.DataSpan : default,
                gs != null ? gs.DataSpan : default);
            return biasGrad ? [gq, gk, gv, gs] : [gq, gk, gv];
        });
    }

    /// <summary>
    /// The additive mask [scores] the kernel takes: <paramref name="bias"/> broadcast, −∞ where
    /// <paramref name="allowed"/> (broadcast) is false; empty when neither is given.
    /// </summary>
    private static float[] AttentionMask(BoolTensor? allowed, Tensor? bias, int[] scoreShape)
    {
        if (allowed == null && bias == null) return [];
        var mask = new float[Descent.Shape.Numel(scoreShape)];
        if (bias != null) BinaryKernel.BroadcastCopy(bias.Data, bias._shape, mask, scoreShape);
        if (allowed != null)
        {
            var flags = allowed.Expand(scoreShape).Data;
            for (int i = 0; i < mask.Length; i++)
                if (!flags[i]) mask[i] = float.NegativeInfinity;
        }
        return mask;
    }

    /// <summary>Dropout factors for <paramref name="length"/> attention weights, or empty when p is 0.</summary>
    private static float[] DropoutKeep(int length, float p, Generator? generator)
    {
        if (!(p > 0f)) return [];
        // Drawn serially before the kernel so the same seed gives the same mask for any thread count.
        var g = generator ?? Generator.Default;
        float kept = 1f - p, survivor = p < 1f ? 1f / kept : 0f;
        var keep = new float[length];
        for (int i = 0; i < keep.Length; i++) keep[i] = g.NextFloat() < kept ? survivor : 0f;
        return keep;
    }
}
