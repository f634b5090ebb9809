namespace Descent.Cli.Report;

/// <summary>The knobs of the demo's small convolutional network; the defaults train it in a few seconds.</summary>
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
