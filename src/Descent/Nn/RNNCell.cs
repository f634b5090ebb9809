namespace Descent.Nn;

/// <summary>
/// An Elman RNN cell, like <c>torch.nn.RNNCell</c>: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) with act tanh
/// or relu. Parameters and initialisation as <see cref="RNNCellBase"/> with one gate.
/// </summary>
/// <example><code>
/// var cell = new RNNCell(4, 8, generator: new Generator(0));
/// var h = cell.Forward(Tensor.Randn(2, 4), null); // [2, 8]
/// h = cell.Forward(Tensor.Randn(2, 4), h);
/// </code></example>
public sealed class RNNCell : RNNCellBase
{
    /// <summary>Creates the cell; <paramref name="nonlinearity"/> is "tanh" or "relu".</summary>
    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", Generator? generator = null)
        : base(CellFor("RNNCell", nonlinearity), 1, inputSize, hiddenSize, bias, generator) => Nonlinearity = nonlinearity;

    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>The cell's sizes, and its nonlinearity when not tanh: <c>RNNCell(3, 5, nonlinearity=relu)</c>.</summary>
    protected override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity != "tanh" ? $", nonlinearity={Nonlinearity}" : "");

    /// <summary>The next hidden state from input [N, in] or [in] and <paramref name="hx"/> [N, H] or [H] (zeros when null).</summary>
    public Tensor Forward(Tensor input, Tensor? hx) => Step(input, hx, null).H;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
