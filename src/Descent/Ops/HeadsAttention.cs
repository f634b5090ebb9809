using Descent.Kernels;

namespace Descent;

// Multi-head attention straight over a layer's projections: the heads are read from the [N, L, heads·D]
// (or [L, N, heads·D]) projections where they lie, and the output is written with its heads joined, so the
// split and merge permutes of the composed layer (three copies forward and four backward, each a tensor and
// a node) never happen. MultiheadAttention's fused path; internal.
public partial class Tensor
{
    /// <summary>
    /// One operand of <see cref="HeadsAttention"/>: <paramref name="Source"/> [N, L, C] (or [L, N, C]) whose
    /// columns from <paramref name="Column"/> hold the heads side by side, heads·D of them.
    /// </summary>
    internal readonly record struct HeadsOperand(Tensor Source, int Column);

    /// <summary>
    /// softmax(q·kᵀ/√D + mask)·v per batch row and head, returned as [N, L, heads·D] (or [L, N, heads·D]
    /// when not <paramref name="batchFirst"/>). <paramref name="allowed"/> (true = takes part) and
    /// <paramref name="attnBias"/> broadcast to [N, heads, L, S], as in
    /// <see cref="ScaledDotProductAttention(Tensor, Tensor, Tensor, BoolTensor?, Tensor?, float, bool, float?, Generator?)"/>,
    /// and dropout draws the same mask it does. The same source may serve several operands (q, k and v
    /// packed in one projection); its gradient is then one tensor with every operand's columns.
    /// </summary>
    internal static Tensor HeadsAttention(HeadsOperand query, HeadsOperand key, HeadsOperand value, int heads, int headDim, bool batchFirst,
        BoolTensor? allowed, Tensor? attnBias, float dropoutP, Generator? generator)
    {
        const string op = "HeadsAttention";
        int width = heads * headDim;
        HeadsOperand[] operands = [query, key, value];
        foreach (var x in operands)
            if (x.Source.Rank != 3 || x.Column < 0 || x.Column + width > x.Source._shape[2])
                throw new ArgumentException($"{op}: each operand must be [N, L, C] or [L, N, C] with {heads} heads of {headDim} from its column; got {Descent.Shape.Format(x.Source._shape)} from column {x.Column}");
        // Backward writes each operand's gradient into its source's columns, so shared columns would overwrite.
        for (int i = 0; i < operands.Length; i++)
            for (int j = i + 1; j < operands.Length; j++)
                if (ReferenceEquals(operands[i].Source, operands[j].Source) && Math.Abs(operands[i].Column - operands[j].Column) < width)
                    throw new ArgumentException($"{op}: operands taken from one source must not overlap; got columns {operands[i].Column} and {operands[j].Column} with {heads} heads of {headDim}");
        int batchDim = batchFirst ? 0 : 1, seqDim = 1 - batchDim;
        int n = query.Source._shape[batchDim], l = query.Source._shape[seqDim], s = key.Source._shape[seqDim];
        if (key.Source._shape[batchDim] != n || value.Source._shape[batchDim] != n || value.Source._shape[seqDim] != s)
            throw new ArgumentException($"{op}: key and value must share N with query and S with each other; got query {Descent.Shape.Format(query.Source._shape)}, key {Descent.Shape.Format(key.Source._shape)}, value {Descent.Shape.Format(value.Source._shape)}");

        AttentionLayout LayoutOf(HeadsOperand x, int length) =>
            AttentionLayout.Interleaved(heads, headDim, n, length, x.Source._shape[2], x.Column, batchFirst);
        var (ql, kl, vl) = (LayoutOf(query, l), LayoutOf(key, s), LayoutOf(value, s));
        int[] resultShape = batchFirst ? [n, l, width] : [l, n, width];
        var ol = AttentionLayout.Interleaved(heads, headDim, n, l, width, 0, batchFirst);
        int count = n * heads;
        int[] scoreShape = [n, heads, l, s];
        float scale = 1f / MathF.Sqrt(headDim);
        // A mask that varies only over [L, S] (causal, or any 2-D one without key padding) is built once and shared.
        bool shared = (allowed == null || allowed.Rank <= 2) && (attnBias == null || attnBias.Rank <= 2);
        float[] mask = AttentionMask(allowed, attnBias, shared ? [l, s] : scoreShape);
        float[] keep = DropoutKeep(count * l * s, dropoutP, generator);

        var probabilities = Uninitialized(scoreShape);
        var result = Uninitialized(resultShape);
        AttentionKernel.Forward(count, l, s, headDim, headDim, scale, false, query.Source.Data, ql, key.Source.Data, kl, value.Source.Data, vl,
            mask, keep, probabilities.DataSpan, result.DataSpan, ol);

        // One input per distinct source, so a packed projection gets one gradient holding q's, k's and v's columns.
        var sources = new List<Tensor>(4);
        foreach (var x in operands)
            if (!sources.Contains(x.Source)) sources.Add(x.Source);
        bool biasGrad = attnBias is { RequiresGrad: true };
        if (biasGrad) sources.Add(attnBias!);
        Tensor[] inputs = [.. sources];
        return Graph.Record(result, "MultiheadAttentionBackward0", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            Span<float> GradOf(HeadsOperand x)
            {
                if (!x.Source.RequiresGrad) return default;
                int i = Array.IndexOf(inputs, x.Source);
                if (grads[i] == null)
                {
                    // Columns no operand covers get no gradient, so they must read 0.
                    int used = operands.Count(o => ReferenceEquals(o.Source, x.Source)) * width;
                    grads[i] = used == x.Source._shape[2] ? Uninitialized(x.Source._shape) : new Tensor(x.Source._shape);
                }
                return grads[i]!.DataSpan;
            }
            var gs = biasGrad ? Uninitialized(scoreShape) : null;
            AttentionKernel.Backward(count, l, s, headDim, headDim, scale, query.Source.Data, ql, key.Source.Data, kl, value.Source.Data, vl,
                keep, probabilities.Data, result.Data, g.Data, ol, GradOf(query), GradOf(key), GradOf(value), gs != null ? gs.DataSpan : default);
            if (gs != null) grads[^1] = gs;
            return grads;
        });
    }
}
