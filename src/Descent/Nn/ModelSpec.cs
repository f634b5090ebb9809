using System.Globalization;
namespace Descent.Nn;

/// <summary>
/// A model named in one line, as <c>descent train --model</c> takes it and a model file's <c>arch</c> stores it: <c>linear</c> (one Linear layer), <c>mlp:H1,H2,...</c> (Linear + ReLU per
/// hidden size, <c>mlp</c> alone is <c>mlp:256,128</c>) or <c>cnn:C1,C2[,H]</c> (LeNet-like, for images:
/// conv 1→C1 3×3 padding 1, ReLU, max-pool 2, conv C1→C2 3×3 padding 1, ReLU, max-pool 2, flatten, then a
/// hidden Linear → H with ReLU when H is given, and a linear → classes; <c>cnn</c> alone is <c>cnn:16,32,128</c>) or <c>cnn-bn:C1,C2[,H]</c> (the same with each convolution
/// followed by BatchNorm2d before its ReLU, the convolution then without bias as BatchNorm's shift replaces it;
/// <c>cnn-bn</c> alone is <c>cnn-bn:32,64,128</c>, the recipes' CNN for official MNIST and Fashion-MNIST).
/// </summary>
/// <example><code>
/// var model = ModelSpec.Parse("mlp:256,128").Build(inputShape: [784], outputs: 10);
/// Console.WriteLine(model);   // Sequential( (0): Linear(in_features=784, out_features=256, bias=True) ...
/// </code></example>
/// <param name="Kind"><c>linear</c>, <c>mlp</c>, <c>cnn</c> or <c>cnn-bn</c>.</param>
/// <param name="Sizes">Hidden sizes (mlp) or channel counts (cnn); empty for linear.</param>
public sealed record ModelSpec(string Kind, IReadOnlyList<int> Sizes)
{
    /// <summary>The forms <see cref="Parse"/> accepts, as errors list them.</summary>
    public static readonly IReadOnlyList<string> Forms = ["linear", "mlp", "mlp:H1,H2,...", "cnn", "cnn:C1,C2[,H]", "cnn-bn", "cnn-bn:C1,C2[,H]"];

    /// <summary>The hidden sizes of a bare <c>mlp</c>.</summary>
    public static readonly IReadOnlyList<int> DefaultMlp = [256, 128];

    /// <summary>The channels of a bare <c>cnn</c>.</summary>
    public static readonly IReadOnlyList<int> DefaultCnn = [16, 32, 128];

    /// <summary>The channels of a bare <c>cnn-bn</c>.</summary>
    public static readonly IReadOnlyList<int> DefaultCnnBn = [32, 64, 128];

    private const int MaxWidth = 65536;

    /// <summary>True for the convolutional models, which need image inputs.</summary>
    public bool IsConvolutional => Kind is "cnn" or "cnn-bn";

    /// <summary>True when each convolution is followed by batch normalization.</summary>
    public bool HasBatchNorm => Kind == "cnn-bn";

    /// <summary>Parses a spec's text; throws <see cref="FormatException"/> naming the fault and the forms accepted.</summary>
    public static ModelSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        string kind = colon < 0 ? text : text[..colon];
        string? sizes = colon < 0 ? null : text[(colon + 1)..];
        switch (kind)
        {
            case "linear" when sizes == null:
                return new ModelSpec("linear", []);
            case "mlp":
                return new ModelSpec("mlp", sizes == null ? DefaultMlp : ParseSizes(sizes, "mlp", "hidden size"));
            case "cnn" or "cnn-bn":
                var channels = sizes == null ? (kind == "cnn" ? DefaultCnn : DefaultCnnBn) : ParseSizes(sizes, kind, "channel count");
                if (channels.Count is not (2 or 3)) throw new FormatException($"{kind} takes two channel counts and an optional hidden size, as {kind}:16,32,128; got {text}");
                return new ModelSpec(kind, channels);
            default:
                throw new FormatException($"unknown model '{text}'; one of: {string.Join(", ", Forms)}");
        }
    }

    private static int[] ParseSizes(string text, string kind, string what)
    {
        var parts = text.Split(',');
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > MaxWidth)
                throw new FormatException($"{kind}: each {what} must be a whole number from 1 to {MaxWidth}; got '{parts[i]}' in {kind}:{text}");
        return sizes;
    }

    /// <summary>The text that parses back to this spec.</summary>
    public override string ToString() => Kind == "linear" ? "linear" : $"{Kind}:{string.Join(',', Sizes)}";

    /// <summary>
    /// The number of weights <see cref="Build"/> creates for examples of <paramref name="inputShape"/> and
    /// <paramref name="outputs"/> outputs, counted without allocating any, so that a model file's description
    /// can be checked against the weights it holds before anything is built. Throws
    /// <see cref="ArgumentException"/> where <see cref="Build"/> would.
    /// </summary>
    public Int128 ParameterCount(IReadOnlyList<int> inputShape, int outputs)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        static Int128 Linear(Int128 inputs, Int128 outputs) => inputs * outputs + outputs;
        Int128 total = 0, previous = inputShape.Aggregate((Int128)1, (a, b) => a * b);
        if (IsConvolutional)
        {
            var (h2, w2) = PooledSides(inputShape);
            // cnn-bn: no convolution bias, and BatchNorm's weight and bias per channel.
            int perChannel = HasBatchNorm ? 2 : 1;
            total = 9 * (Int128)inputShape[0] * Sizes[0] + perChannel * Sizes[0] + 9 * (Int128)Sizes[0] * Sizes[1] + perChannel * Sizes[1];
            previous = (Int128)Sizes[1] * h2 * w2;
            if (Sizes.Count == 3) (total, previous) = (total + Linear(previous, Sizes[2]), Sizes[2]);
            return total + Linear(previous, outputs);
        }
        foreach (int hidden in Sizes) (total, previous) = (total + Linear(previous, hidden), hidden);
        return total + Linear(previous, outputs);
    }

    // Two (3×3 conv with padding 1, 2×2 pool) stages: each halves a side, rounding down.
    private static (int H, int W) PooledSides(IReadOnlyList<int> inputShape)
    {
        if (inputShape.Count != 3)
            throw new ArgumentException($"model cnn: needs image inputs [channels, height, width]; got {Shape.Format([.. inputShape])}");
        int h = inputShape[1], w = inputShape[2];
        int h2 = h / 2 / 2, w2 = w / 2 / 2;
        if (h2 < 1 || w2 < 1)
            throw new ArgumentException($"model cnn: images of {h}x{w} are too small for two 2x2 pooling stages (need at least 4x4)");
        return (h2, w2);
    }

    /// <summary>
    /// Builds the model for examples of <paramref name="inputShape"/> and <paramref name="outputs"/> outputs.
    /// Weights are drawn from <paramref name="init"/> (<see cref="Generator.Default"/> when null); Dropout layers (after each hidden ReLU, or before a cnn's
    /// classifier when it has no hidden layer) draw their masks from <paramref name="dropoutGenerator"/>.
    /// </summary>
    public Sequential Build(IReadOnlyList<int> inputShape, int outputs, float dropout = 0, Generator? init = null, Generator? dropoutGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"model {this}: inputShape is one example's shape, as [784] or [1, 28, 28], every dimension at least 1; got {Shape.Format([.. inputShape])}", nameof(inputShape));
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"model: outputs must be at least 1; got {outputs}");
        int inputs = inputShape.Aggregate(1, (a, b) => a * b);
        var model = new Sequential();
        if (IsConvolutional)
        {
            var (h2, w2) = PooledSides(inputShape);
            int channels = inputShape[0];
            foreach (int c in Sizes.Take(2))
            {
                model.Add(new Conv2d(channels, c, 3, padding: 1, bias: !HasBatchNorm, generator: init));
                if (HasBatchNorm) model.Add(new BatchNorm2d(c));
                model.Add(new ReLU()).Add(new MaxPool2d(2));
                channels = c;
            }
            model.Add(new Flatten());
            int features = Sizes[1] * h2 * w2;
            if (Sizes.Count == 3)
            {
                model.Add(new Linear(features, Sizes[2], generator: init)).Add(new ReLU());
                features = Sizes[2];
            }
            if (dropout > 0) model.Add(new Dropout(dropout, dropoutGenerator));
            model.Add(new Linear(features, outputs, generator: init));
            return model;
        }
        if (inputShape.Count > 1) model.Add(new Flatten());
        int previous = inputs;
        foreach (int hidden in Sizes)
        {
            model.Add(new Linear(previous, hidden, generator: init)).Add(new ReLU());
            if (dropout > 0) model.Add(new Dropout(dropout, dropoutGenerator));
            previous = hidden;
        }
        model.Add(new Linear(previous, outputs, generator: init));
        return model;
    }
}
