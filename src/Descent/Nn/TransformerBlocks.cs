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
}
