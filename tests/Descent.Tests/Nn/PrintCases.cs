using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>
/// Models printed by Descent and by PyTorch for comparison: each is built here as <c>tests/interop/print_models.py</c>
/// builds its torch twin under the same name, and <c>tests/interop/print_models.txt</c> holds what that script printed.
/// A pair given to torch as one int is given here as one int too, since torch prints back what it was given.
/// </summary>
internal static class PrintCases
{
    public static readonly IReadOnlyDictionary<string, Func<Module>> All = new Dictionary<string, Func<Module>>
    {
        ["mlp"] = () => new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Dropout(0.2f), new Linear(256, 10, bias: false)),
        ["cnn"] = () => new Sequential(
            new Conv2d(1, 16, 3, stride: 1, padding: 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
            new Conv2d(16, 32, (3, 5), stride: 2, bias: false), new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(32, 10)),
        ["conv_options"] = () => new Sequential(
            new Conv2d(3, 8, 3, padding: "same", dilation: 2, groups: 1, paddingMode: PaddingMode.Reflect), new Conv2d(8, 8, 3, groups: 4),
            new MaxPool2d(3, stride: 2, padding: 1, dilation: 2, ceilMode: true), new AvgPool2d((2, 3), stride: 1, padding: 1)),
        ["norms"] = () => new Sequential(
            new BatchNorm1d(4, eps: 1e-3f, momentum: null, affine: false, trackRunningStats: false), new LayerNorm([3, 4]),
            new LayerNorm(4, eps: 1e-6f, elementwiseAffine: false)),
        ["activations"] = () => new Sequential(
            new LeakyReLU(), new LeakyReLU(0.2f), new ELU(), new Sigmoid(), new Tanh(), new GELU(), new GELU("tanh"),
            new SiLU(), new Softplus(), new Softplus(2f, 10f), new Softmax(1),
            new LogSoftmax(-1), new Identity(), new Dropout(), new Flatten(0, 2)),
        ["embedding"] = () => new Sequential(new Embedding(100, 16), new Embedding(10, 3, paddingIdx: 0, maxNorm: 1.0)),
        ["recurrent"] = () => new Sequential(
            new LSTM(10, 20, numLayers: 2, batchFirst: true), new GRU(4, 8, numLayers: 2, bias: false, dropout: 0.5f, bidirectional: true),
            new RNN(3, 5, nonlinearity: "relu"), new RNNCell(3, 5, nonlinearity: "relu"), new LSTMCell(3, 5, bias: false), new GRUCell(3, 5)),
        ["attention"] = () => new MultiheadAttention(8, 2),
        ["encoder"] = () => new TransformerEncoder(
            new TransformerEncoderLayer(8, 2, dimFeedforward: 16, batchFirst: true, normFirst: true), 2, norm: new LayerNorm(8)),
        ["decoder"] = () => new TransformerDecoder(new TransformerDecoderLayer(8, 2, dimFeedforward: 16, dropout: 0f), 1),
        ["gpt"] = () => new Gpt(new GptConfig(VocabSize: 65, BlockSize: 16, Layers: 2, Heads: 2, Width: 32, Dropout: 0.1f)),
    };

    public static TheoryData<string> Names => [.. All.Keys];

    /// <summary>Splits the script's output (<c>=== name</c>, then the model's lines) into one text per name.</summary>
    public static Dictionary<string, string> Parse(string printed)
    {
        var texts = new Dictionary<string, string>();
        string? name = null;
        var lines = new List<string>();
        foreach (var line in printed.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal))
            {
                if (name != null) texts.Add(name, string.Join('\n', lines).TrimEnd('\n'));
                (name, lines) = (line[4..], []);
            }
            else lines.Add(line);
        }
        if (name != null) texts.Add(name, string.Join('\n', lines).TrimEnd('\n'));
        return texts;
    }
}
