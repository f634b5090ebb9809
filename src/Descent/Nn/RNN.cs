namespace Descent.Nn;

/// <summary>
/// A multi-layer Elman RNN, like <c>torch.nn.RNN</c>: h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) with
/// act tanh or relu. Input [L, N, in] ([N, L, in] with batchFirst, [L, in] unbatched); output
/// [L, N, D·H]; states [D·num_layers, N, H]. Parameters as <see cref="RNNBase"/> with one gate.
/// </summary>
/// <example><code>
/// var rnn = new RNN(4, 8, numLayers: 2, generator: new Generator(0));
/// var (output, hN) = rnn.Forward(Tensor.Randn(5, 3, 4), null); // [5, 3, 8] and [2, 3, 8]
/// </code></example>
public sealed class RNN : RNNBase
{
    /// <summary>Creates the network; <paramref name="generator"/> seeds the weights and the dropout between layers.</summary>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true,
        bool batchFirst = false, float dropout = 0f, bool bidirectional = false, Generator? generator = null)
        : base(RNNCellBase.CellFor("RNN", nonlinearity), 1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator)
        => Nonlinearity = nonlinearity;

    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>The output sequence and the final hidden states, from <paramref name="h0"/> (zeros when null).</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0) => Forward(input, h0, null);

    /// <summary>
    /// As <see cref="Forward(Tensor, Tensor?)"/> over a padded batch of sequences of different lengths:
    /// <paramref name="lengths"/> [N] gives each sequence's length, in [1, L]. Equal to PyTorch's
    /// <c>pack_padded_sequence(input, lengths, batch_first, enforce_sorted=False)</c>, the layer, then
    /// <c>pad_packed_sequence(..., total_length=L)</c>: the output is 0 past each length, each final state is the
    /// one after its sequence's last valid step, and the reverse direction starts there. Null: every sequence is L long.
    /// </summary>
    /// <example><code>
    /// var rnn = new RNN(4, 8, batchFirst: true, bidirectional: true, generator: new Generator(0));
    /// var (output, hN) = rnn.Forward(Tensor.Randn(3, 5, 4), null, IntTensor.FromArray(new[] { 5, 2, 1 }));
    /// // output [3, 5, 16], zero from step 2 of the second sequence on; hN [2, 3, 8]
    /// </code></example>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0, IntTensor? lengths)
    {
        var (output, hN, _) = Run(input, h0, null, lengths);
        return (output, hN!);
    }

    /// <summary>The output sequence from zero initial states.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null, null, outputOnly: true).Output;
}
