namespace Descent.Nn;

/// <summary>
/// What <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/> share, as PyTorch's <c>RNNBase</c>:
/// per layer k and direction, <c>weight_ih_lk</c> [G·H, in] (in = input_size for layer 0, D·H above),
/// <c>weight_hh_lk</c> [G·H, H], <c>bias_ih_lk</c> and <c>bias_hh_lk</c> [G·H], with the suffix
/// <c>_reverse</c> for the backward direction, all drawn from U(−1/√H, 1/√H) in registration order; the
/// shape checks; and the run over layers and directions, each one fused op over the whole sequence.
/// </summary>
/// <example><code>
/// var lstm = new LSTM(4, 8, numLayers: 2, bidirectional: true, generator: new Generator(0));
/// var (output, (hN, cN)) = lstm.Forward(Tensor.Randn(5, 3, 4), null); // [5, 3, 16]; [4, 3, 8] each
/// </code></example>
public abstract class RNNBase : Module
{
    private readonly RecurrentCell _cell;
    private readonly Generator? _generator;
    private readonly bool _bias;

    private protected RNNBase(RecurrentCell cell, int gates, int inputSize, int hiddenSize, int numLayers, bool bias,
        bool batchFirst, float dropout, bool bidirectional, Generator? generator)
    {
        string name = GetType().Name;
        if (inputSize < 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{name}: input_size must be >= 0");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, $"{name}: hidden_size must be > 0");
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, $"{name}: num_layers must be > 0");
        if (!(dropout >= 0f && dropout <= 1f)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{name}: dropout must be in [0, 1]");
        _cell = cell;
        _generator = generator;
        _bias = bias;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        int directions = bidirectional ? 2 : 1;
        for (int layer = 0; layer < numLayers; layer++)
        {
            int layerInput = layer == 0 ? inputSize : directions * hiddenSize;
            for (int d = 0; d < directions; d++)
            {
                string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                RegisterParameter("weight_ih" + suffix, Tensor.Zeros(gates * hiddenSize, layerInput));
                RegisterParameter("weight_hh" + suffix, Tensor.Zeros(gates * hiddenSize, hiddenSize));
                if (bias)
                {
                    RegisterParameter("bias_ih" + suffix, Tensor.Zeros(gates * hiddenSize));
                    RegisterParameter("bias_hh" + suffix, Tensor.Zeros(gates * hiddenSize));
                }
            }
        }
        float bound = 1f / MathF.Sqrt(hiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -bound, bound, generator);
    }

    /// <summary>Size of each input sample.</summary>
    public int InputSize { get; }

    /// <summary>Size of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Input and output are [N, T, *] instead of [T, N, *].</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout probability on the outputs of every layer but the last, in training.</summary>
    public float Dropout { get; }

    /// <summary>Runs a second direction backward in time; outputs concatenate both.</summary>
    public bool Bidirectional { get; }

    /// <summary>
    /// Sizes, then only the settings away from their defaults, as torch's <c>RNNBase.extra_repr</c>:
    /// <c>LSTM(10, 20, num_layers=2, batch_first=True)</c>. Like torch, an RNN's nonlinearity is not shown.
    /// </summary>
    protected override string ExtraRepr()
    {
        var parts = new List<string> { $"{InputSize}", $"{HiddenSize}" };
        if (NumLayers != 1) parts.Add($"num_layers={NumLayers}");
        if (!_bias) parts.Add("bias=False");
        if (BatchFirst) parts.Add("batch_first=True");
        if (Dropout != 0f) parts.Add($"dropout={ModuleText.Float(Dropout)}");
        if (Bidirectional) parts.Add("bidirectional=True");
        return string.Join(", ", parts);
    }

    /// <summary>
    /// The output sequence and the final states [D·L, N, H] (or [D·L, H] unbatched); <paramref name="c0"/> and
    /// the returned cell state only for the LSTM. With <paramref name="lengths"/>, as PyTorch's
    /// <c>pack_padded_sequence(input, lengths, enforce_sorted=False)</c> → layer → <c>pad_packed_sequence</c>:
    /// outputs past a sequence's length are 0 and its final states are those after its last valid step.
    /// With <paramref name="outputOnly"/> (a caller that drops the final states), HN and CN are null, and the LSTM's op
    /// returns its hidden states alone, so the output is no slice of a larger result.
    /// </summary>
    private protected (Tensor Output, Tensor? HN, Tensor? CN) Run(Tensor input, Tensor? h0, Tensor? c0, IntTensor? lengths = null,
        bool outputOnly = false)
    {
        string name = GetType().Name;
        bool lstm = _cell == RecurrentCell.Lstm;
        int directions = Bidirectional ? 2 : 1;
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"{name}: input must be 2-D [L, input_size] (unbatched) or 3-D [{(BatchFirst ? "N, L" : "L, N")}, input_size]; got input {Shape.Format(input.Shape)}");
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"{name}: input's last dimension must be input_size={InputSize}; got input {Shape.Format(input.Shape)}");
        bool batched = input.Rank == 3;
        int steps = batched && BatchFirst ? input.Size(1) : input.Size(0);
        int n = batched ? (BatchFirst ? input.Size(0) : input.Size(1)) : 1;
        if (steps == 0)
            throw new ArgumentException($"{name}: the sequence length must be > 0; got input {Shape.Format(input.Shape)}");
        int[] stateShape = batched ? [directions * NumLayers, n, HiddenSize] : [directions * NumLayers, HiddenSize];
        CheckState(name, "h0", h0, stateShape, input);
        CheckState(name, "c0", c0, stateShape, input);
        var valid = lengths is null ? null : Lengths(name, lengths, input, batched, n, steps);

        var x = batched ? (BatchFirst ? input.Transpose(0, 1) : input) : input.Reshape(steps, 1, InputSize);
        var h = (h0 ?? Tensor.Zeros(directions * NumLayers, n, HiddenSize)).Reshape(directions * NumLayers, n, HiddenSize);
        var c = lstm ? (c0 ?? Tensor.Zeros(directions * NumLayers, n, HiddenSize)).Reshape(directions * NumLayers, n, HiddenSize) : null;
        var parameters = Parameters().ToArray();
        int perDirection = parameters.Length / (NumLayers * directions);
        var hN = new Tensor[directions * NumLayers];
        var cN = new Tensor[directions * NumLayers];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outputs = new Tensor[directions];
            for (int d = 0; d < directions; d++)
            {
                int k = layer * directions + d;
                var p = parameters.AsSpan(k * perDirection, perDirection);
                var y = Tensor.Recurrent(_cell, x, p[0], p[1], perDirection == 4 ? p[2] : null, perDirection == 4 ? p[3] : null,
                    h[k], c?[k], reverse: d == 1, valid, cellState: !outputOnly);
                outputs[d] = lstm && !outputOnly ? y[..steps] : y;
                if (outputOnly) continue;
                hN[k] = y[d == 1 ? 0 : steps - 1];
                if (lstm) cN[k] = y[steps];
            }
            x = directions == 1 ? outputs[0] : Tensor.Cat(outputs, dim: 2);
            if (Dropout > 0f && Training && layer < NumLayers - 1) x = Functional.Dropout(x, Dropout, training: true, _generator);
        }

        // The op carries each state through the padding, so the last step (first, reversed) holds the final
        // states; only the output's padded steps still need zeroing, as pad_packed_sequence fills them.
        if (valid != null) x *= PaddingMask(valid, steps);
        var output = batched ? (BatchFirst ? x.Transpose(0, 1) : x) : x.Reshape(steps, directions * HiddenSize);
        if (outputOnly) return (output, null, null);
        Tensor Final(Tensor[] states) => batched ? Tensor.Stack(states) : Tensor.Stack(states).Reshape(stateShape);
        return (output, Final(hN), lstm ? Final(cN) : null);
    }

    private static int[] Lengths(string name, IntTensor lengths, Tensor input, bool batched, int n, int steps)
    {
        if (!batched)
            throw new ArgumentException($"{name}: lengths need a batch, 3-D input; got unbatched input {Shape.Format(input.Shape)}");
        if (lengths.Rank != 1 || lengths.Size(0) != n)
            throw new ArgumentException($"{name}: lengths must be [N] = [{n}], one per sequence of input {Shape.Format(input.Shape)}; got lengths {Shape.Format(lengths.Shape)}");
        var values = lengths.Data;
        var result = new int[n];
        for (int r = 0; r < n; r++)
        {
            if (values[r] < 1 || values[r] > steps)
                throw new ArgumentException($"{name}: every length must be in [1, L={steps}] for input {Shape.Format(input.Shape)}; got lengths[{r}] = {values[r]}");
            result[r] = (int)values[r];
        }
        return result;
    }

    /// <summary>[T, N, 1]: 1 at the steps within each sequence's length, 0 past it.</summary>
    private static Tensor PaddingMask(int[] lengths, int steps)
    {
        var mask = new float[steps * lengths.Length];
        for (int t = 0; t < steps; t++)
            for (int r = 0; r < lengths.Length; r++)
                mask[t * lengths.Length + r] = t < lengths[r] ? 1f : 0f;
        return Tensor.FromArray(mask, [steps, lengths.Length, 1]);
    }

    private static void CheckState(string name, string what, Tensor? state, int[] expected, Tensor input)
    {
        if (state != null && !Shape.Equal(state.Shape, expected))
            throw new ArgumentException($"{name}: {what} must be [D*num_layers, N, hidden_size] = {Shape.Format(expected)} for input {Shape.Format(input.Shape)}; got {what} {Shape.Format(state.Shape)}");
    }
}
