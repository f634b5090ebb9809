namespace Descent.Nn;

/// <summary>
/// A long short-term memory cell, like <c>torch.nn.LSTMCell</c>: gates i, f, g, o in that order,
/// c' = f∘c + i∘g and h' = o∘tanh(c'). Parameters as <see cref="RNNCellBase"/>.
/// </summary>
/// <example><code>
/// var cell = new LSTMCell(4, 8, generator: new Generator(0));
/// var (h, c) = cell.Forward(Tensor.Randn(2, 4), null);   // both [2, 8]
/// (h, c) = cell.Forward(Tensor.Randn(2, 4), (h, c));
/// </code></example>
public sealed class LSTMCell : RNNCellBase
{
    /// <summary>Creates the cell; <paramref name="generator"/> seeds the initial weights.</summary>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, Generator? generator = null)
        : base(RecurrentCell.Lstm, 4, inputSize, hiddenSize, bias, generator) { }

    /// <summary>
    /// The next hidden and cell states from input [N, in] or [in] and <paramref name="state"/> (h, c), each
    /// [N, H] or [H] (zeros when null).
    /// </summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (h, c) = Step(input, state?.H, state?.C);
        return (h, c!);
    }

    /// <summary>The next hidden state from zero states.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).H;
}
