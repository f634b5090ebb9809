namespace Descent.Nn;

/// <summary>
/// A multi-layer long short-term memory, like <c>torch.nn.LSTM</c>: per step the gates of <see cref="LSTMCell"/>
/// (i, f, g, o). Shapes as <see cref="RNN"/>, with a cell state beside the hidden state; parameters as
/// <see cref="RNNBase"/> with four gates.
/// </summary>
/// <example><code>
/// var lstm = new LSTM(4, 8, generator: new Generator(0));
/// var (output, (hN, cN)) = lstm.Forward(Tensor.Randn(5, 3, 4), null); // [5, 3, 8]; [1, 3, 8] each
/// </code></example>
public sealed class LSTM : RNNBase
{
    /// <summary>Creates the network; <paramref name="generator"/> seeds the weights and the dropout between layers.</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false, Generator? generator = null)
        : base(RecurrentCell.Lstm, 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator) { }

    /// <summary>
    /// The output sequence and the final (hidden, cell) states, from <paramref name="state"/> (h0, c0), each
    /// [D·num_layers, N, H] (zeros when null).
    /// </summary>
    public (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input, (Tensor H0, Tensor C0)? state)
    {
        var (output, hN, cN) = Run(input, state?.H0, state?.C0);
        return (output, (hN, cN!));
    }

    /// <summary>The output sequence from zero initial states.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Output;
}
