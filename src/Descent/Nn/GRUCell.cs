namespace Descent.Nn;

/// <summary>
/// A gated recurrent unit cell, like <c>torch.nn.GRUCell</c>: gates r, z, n in that order, with
/// n = tanh(W_in·x + b_in + r∘(W_hn·h + b_hn)) and h' = (1 − z)∘n + z∘h. Parameters as <see cref="RNNCellBase"/>.
/// </summary>
/// <example><code>
/// var cell = new GRUCell(4, 8, generator: new Generator(0));
/// var h = cell.Forward(Tensor.Randn(2, 4), null); // [2, 8]
/// </code></example>
public sealed class GRUCell : RNNCellBase
{
    /// <summary>Creates the cell; <paramref name="generator"/> seeds the initial weights.</summary>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, Generator? generator = null)
        : base(RecurrentCell.Gru, 3, inputSize, hiddenSize, bias, generator) { }

    /// <summary>The next hidden state from input [N, in] or [in] and <paramref name="hx"/> [N, H] or [H] (zeros when null).</summary>
    public Tensor Forward(Tensor input, Tensor? hx) => Step(input, hx, null).H;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
