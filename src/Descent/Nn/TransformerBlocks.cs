namespace Descent.Nn;

// The pieces PyTorch's encoder and decoder layers share (_get_activation_fn and _ff_block), kept in one place so
// the two layers cannot drift apart.
internal static class TransformerBlocks
{
    public static bool IsGelu(string module, string activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return activation switch
        {
            "relu" => false,
            "gelu" => true,
            _ => throw new ArgumentException($"{module}: activation must be \"relu\" or \"gelu\"; got \"{activation}\"", nameof(activation)),
        };
    }

    // linear1 → activation → dropout → linear2 → the block's output dropout.
    public static Tensor FeedForward(Tensor x, Linear linear1, bool gelu, Dropout dropout, Linear linear2, Dropout output)
    {
        // The activation runs in linear1's write (the same bits as Linear then the activation).
        var hidden = gelu ? x.AffineGelu(linear1.Weight, linear1.Bias) : x.AffineRelu(linear1.Weight, linear1.Bias);
        return output.Forward(linear2.Forward(dropout.Forward(hidden)));
    }

    // residual + FeedForward(x): where the output dropout is the identity (evaluation, or p = 0) and the shapes
    // match, the residual is added in linear2's write, with the bits of the separate add.
    public static Tensor FeedForward(Tensor x, Linear linear1, bool gelu, Dropout dropout, Linear linear2, Dropout output, Tensor residual)
    {
        bool fused = (!output.Training || output.P == 0f) && linear2.Weight.Rank == 2
            && Shape.Equal(residual.ShapeRef, SharedShapes.WithLast(x.ShapeRef, linear2.Weight.ShapeRef[0]));
        if (!fused) return residual + FeedForward(x, linear1, gelu, dropout, linear2, output);
        var hidden = gelu ? x.AffineGelu(linear1.Weight, linear1.Bias) : x.AffineRelu(linear1.Weight, linear1.Bias);
        return dropout.Forward(hidden).AffineResidual(linear2.Weight, linear2.Bias, residual);
    }
}
