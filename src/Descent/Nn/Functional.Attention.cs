namespace Descent.Nn;

public static partial class Functional
{
    /// <summary>
    /// softmax(query·keyᵀ·scale + mask)·value, like <c>F.scaled_dot_product_attention</c>: query [..., L, E],
    /// key [..., S, E] and value [..., S, Ev] give [..., L, Ev], the leading (batch, head) dimensions
    /// broadcast. <paramref name="attnMask"/> is PyTorch's boolean mask: <c>true</c> marks a key that TAKES
    /// part (the opposite of MultiheadAttention's masks, which follow nn.MultiheadAttention);
    /// <paramref name="attnBias"/> is PyTorch's float mask, added to the scores (and differentiated). Both
    /// broadcast to [..., L, S] and may be given together. <paramref name="isCausal"/> lets query i see keys
    /// 0..i (the top-left triangle, as PyTorch) and excludes an explicit mask. The scale defaults to 1/√E.
    /// Dropout with probability <paramref name="dropoutP"/> applies to the attention weights, drawn from
    /// <paramref name="generator"/> (or <see cref="Generator.Default"/>); unlike <see cref="Dropout"/> it is
    /// applied whenever p &gt; 0, as in PyTorch, so pass 0 outside training. A query row whose keys are all
    /// masked gets weights 0, so its output and gradients are 0, as libtorch's CPU kernel gives (PyTorch's
    /// _safe_softmax; a plain softmax would give NaN).
    /// Computed by one fused kernel that keeps the attention probabilities [..., L, S] for backward.
    /// </summary>
    /// <example><code>
    /// var q = Tensor.Randn([2, 4, 5, 8], g); var k = Tensor.Randn([2, 4, 7, 8], g); var v = Tensor.Randn([2, 4, 7, 16], g);
    /// var y = Functional.ScaledDotProductAttention(q, k, v, isCausal: true); // [2, 4, 5, 16]
    /// </code></example>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, BoolTensor? attnMask = null, Tensor? attnBias = null,
        float dropoutP = 0f, bool isCausal = false, float? scale = null, Generator? generator = null) =>
        Tensor.ScaledDotProductAttention(query, key, value, attnMask, attnBias, dropoutP, isCausal, scale, generator);
}
