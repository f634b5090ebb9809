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
    public (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input, (Tensor H0, Tensor C0)? state) => Forward(input, state, null);

    /// <summary>
    /// As <see cref="Forward(Tensor, ValueTuple{Tensor, Tensor}?)"/> over a padded batch of sequences of different
    /// lengths: <paramref name="lengths"/> [N] gives each sequence's length, in [1, L]. Equal to PyTorch's
    /// <c>pack_padded_sequence(input, lengths, batch_first, enforce_sorted=False)</c>, the layer, then
    /// <c>pad_packed_sequence(..., total_length=L)</c>: the output is 0 past each length, each final (h, c) is the
    /// one after its sequence's last valid step, and the reverse direction starts there. Null: every sequence is L long.
    /// </summary>
    /// <example><code>
    /// var lstm = new LSTM(4, 8, batchFirst: true, generator: new Generator(0));
    /// var (output, (hN, cN)) = lstm.Forward(Tensor.Randn(3, 5, 4), null, IntTensor.FromArray(new[] { 5, 2, 1 }));
    /// // output [3, 5, 8], zero from step 2 of the second sequence on; hN[0, 1] is the state after its step 1
    /// </code></example>
    public (Tensor Output, (Tensor HN, Tensor CN) State) Forward(Tensor input, (Tensor H0, Tensor C0)? state, IntTensor? lengths)
    {
        var (output, hN, cN) = Run(input, state?.H0, state?.C0, lengths);
        return (output, (hN!, cN!));
    }

    /// <summary>The output sequence from zero initial states.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null, null, outputOnly: true).Output;
}
