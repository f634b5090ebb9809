namespace Descent.Nn;

/// <summary>
/// What <see cref="RNNCell"/>, <see cref="LSTMCell"/> and <see cref="GRUCell"/> share, as PyTorch's
/// <c>RNNCellBase</c>: the parameters <c>weight_ih</c> [G·H, in], <c>weight_hh</c> [G·H, H], <c>bias_ih</c> and
/// <c>bias_hh</c> [G·H] (G gates stacked in PyTorch's order), all drawn from U(−1/√H, 1/√H) in that order,
/// and the checks of input and state shapes. A step runs the same fused op as a one-step sequence.
/// </summary>
/// <example><code>
/// var cell = new GRUCell(4, 8, generator: new Generator(0));
/// var h = cell.Forward(Tensor.Randn(2, 4), null); // [2, 8]
/// </code></example>
public abstract class RNNCellBase : Module
{
    private readonly RecurrentCell _cell;

    private protected RNNCellBase(RecurrentCell cell, int gates, int inputSize, int hiddenSize, bool bias, Generator? generator)
    {
        string name = GetType().Name;
        if (inputSize < 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{name}: input_size must be >= 0");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, $"{name}: hidden_size must be > 0");
        _cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        WeightIh = RegisterParameter("weight_ih", Tensor.Zeros(gates * hiddenSize, inputSize));
        WeightHh = RegisterParameter("weight_hh", Tensor.Zeros(gates * hiddenSize, hiddenSize));
        BiasIh = bias ? RegisterParameter("bias_ih", Tensor.Zeros(gates * hiddenSize)) : RegisterParameter("bias_ih", (Parameter?)null);
        BiasHh = bias ? RegisterParameter("bias_hh", Tensor.Zeros(gates * hiddenSize)) : RegisterParameter("bias_hh", (Parameter?)null);
        float bound = 1f / MathF.Sqrt(hiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -bound, bound, generator);
    }

    /// <summary>Size of each input sample.</summary>
    public int InputSize { get; }

    /// <summary>Size of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Input-to-hidden weights, [G·hidden_size, input_size].</summary>
    public Parameter WeightIh { get; }

    /// <summary>Hidden-to-hidden weights, [G·hidden_size, hidden_size].</summary>
    public Parameter WeightHh { get; }

    /// <summary>Input-to-hidden bias, [G·hidden_size], or null without bias.</summary>
    public Parameter? BiasIh { get; }

    /// <summary>Hidden-to-hidden bias, [G·hidden_size], or null without bias.</summary>
    public Parameter? BiasHh { get; }

    /// <summary>Sizes, then bias only when off, as torch's <c>RNNCellBase.extra_repr</c>: <c>LSTMCell(3, 5, bias=False)</c>.</summary>
    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BiasIh == null ? ", bias=False" : "");

    /// <summary>
    /// One step from input [N, in] or [in] and states [N, H] or [H] (zeros where null); returns h' (and c'
    /// for the LSTM) shaped like the states.
    /// </summary>
    private protected (Tensor H, Tensor? C) Step(Tensor input, Tensor? hx, Tensor? cx)
    {
        string name = GetType().Name;
        if (input.Rank is not (1 or 2))
            throw new ArgumentException($"{name}: input must be 1-D [input_size] (unbatched) or 2-D [N, input_size]; got input {Shape.Format(input.Shape)}");
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"{name}: input's last dimension must be input_size={InputSize}; got input {Shape.Format(input.Shape)}");
        bool batched = input.Rank == 2;
        int n = batched ? input.Size(0) : 1;
        int[] stateShape = batched ? [n, HiddenSize] : [HiddenSize];
        CheckState(name, "hx", hx, stateShape, input);
        CheckState(name, "cx", cx, stateShape, input);
        bool lstm = _cell == RecurrentCell.Lstm;
        var h0 = (hx ?? Tensor.Zeros(n, HiddenSize)).Reshape(n, HiddenSize);
        var c0 = lstm ? (cx ?? Tensor.Zeros(n, HiddenSize)).Reshape(n, HiddenSize) : null;
        var y = Tensor.Recurrent(_cell, input.Reshape(1, n, InputSize), WeightIh, WeightHh, BiasIh, BiasHh, h0, c0, reverse: false);
        var h = y[0].Reshape(stateShape);
        return (h, lstm ? y[1].Reshape(stateShape) : null);
    }

    /// <summary>The Elman cell for a nonlinearity name, refused by <paramref name="module"/>'s name otherwise.</summary>
    internal static RecurrentCell CellFor(string module, string nonlinearity) => nonlinearity switch
    {
        "tanh" => RecurrentCell.RnnTanh,
        "relu" => RecurrentCell.RnnRelu,
        _ => throw new ArgumentException($"{module}: nonlinearity must be 'tanh' or 'relu'; got '{nonlinearity}'", nameof(nonlinearity)),
    };

    private static void CheckState(string name, string what, Tensor? state, int[] expected, Tensor input)
    {
        if (state != null && !Shape.Equal(state.Shape, expected))
            throw new ArgumentException($"{name}: {what} must be {Shape.Format(expected)} for input {Shape.Format(input.Shape)}; got {what} {Shape.Format(state.Shape)}");
    }
}
