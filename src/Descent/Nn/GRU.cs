namespace Descent.Nn;

/// <summary>
/// A multi-layer gated recurrent unit, like <c>torch.nn.GRU</c>: per step the gates of <see cref="GRUCell"/>
/// (r, z, n). Shapes as <see cref="RNN"/>; parameters as <see cref="RNNBase"/> with three gates.
/// </summary>
/// <example><code>
/// var gru = new GRU(4, 8, batchFirst: true, generator: new Generator(0));
/// var (output, hN) = gru.Forward(Tensor.Randn(3, 5, 4), null); // [3, 5, 8] and [1, 3, 8]
/// </code></example>
public sealed class GRU : RNNBase
{
    /// <summary>Creates the network; <paramref name="generator"/> seeds the weights and the dropout between layers.</summary>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false, Generator? generator = null)
        : base(RecurrentCell.Gru, 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator) { }

    /// <summary>The output sequence and the final hidden states, from <paramref name="h0"/> (zeros when null).</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0)
    {
        var (output, hN, _) = Run(input, h0, null);
        return (output, hN);
    }

    /// <summary>The output sequence from zero initial states.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Output;
}
