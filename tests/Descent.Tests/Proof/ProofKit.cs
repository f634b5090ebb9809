using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Training;

namespace Descent.Tests.Proof;

/// <summary>The models and data the determinism and soak tests train.</summary>
internal static class ProofKit
{
    private static readonly Lazy<TensorDataset> Flat = new(() => Pick(Mnist.LoadDigits(TestData.MnistDigits)));
    private static readonly Lazy<TensorDataset> Images = new(() => Pick(Mnist.LoadDigits(TestData.MnistDigits, asImages: true)));

    /// <summary>
    /// 320 real MNIST digits, every 31st of the class-ordered 10,000 (so all ten classes), flat [784] or as
    /// [1, 28, 28] images; copied out, so the 10,000 are not kept (the soak test measures the heap).
    /// </summary>
    public static TensorDataset SomeDigits(bool asImages) => asImages ? Images.Value : Flat.Value;

    private static TensorDataset Pick(TensorDataset all)
    {
        var (inputs, targets) = all.GetBatch(Enumerable.Range(0, 320).Select(i => i * 31).ToArray());
        return new TensorDataset(inputs.Clone(), targets.Clone());
    }

    /// <summary>Linear(784, 256), ReLU, Dropout(0.2), Linear(256, 10): the first layer's products are large enough to be split over threads.</summary>
    public static (Module Model, Generator[] Generators) Mlp(ulong seed)
    {
        var init = new Generator(seed);
        var drop = new Generator(seed + 1);
        var model = new Sequential(new Linear(784, 256, generator: init), new ReLU(), new Dropout(0.2f, drop), new Linear(256, 10, generator: init));
        return (model, [drop]);
    }

    /// <summary>The LeNet-like CNN: conv 1→8 3×3, ReLU, max-pool 2, conv 8→16 3×3, ReLU, max-pool 2, flatten, linear 400→10.</summary>
    public static (Module Model, Generator[] Generators) Cnn(ulong seed)
    {
        var init = new Generator(seed);
        var model = new Sequential(
            new Conv2d(1, 8, 3, generator: init), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, generator: init), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(16 * 5 * 5, 10, generator: init));
        return (model, []);
    }

    /// <summary>Trains with Adam on shuffled batches of 64 for <paramref name="epochs"/> epochs and returns the learner.</summary>
    public static Learner Train(bool cnn, ulong seed, int epochs)
    {
        var (model, generators) = cnn ? Cnn(seed) : Mlp(seed);
        var loader = new DataLoader(SomeDigits(asImages: cnn), batchSize: 64, shuffle: true, generator: new Generator(seed + 2));
        var learner = new Learner(model, loader, null, new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 1e-3), generators: generators);
        learner.Fit(epochs);
        return learner;
    }

    /// <summary>Every parameter and buffer, flattened in state-dict order.</summary>
    public static float[] Weights(Module model) => model.StateDict().Values.SelectMany(t => t.ToArray()).ToArray();

    /// <summary>The largest distance between two weight vectors in units in the last place (0 = bit-identical).</summary>
    public static long MaxUlps(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"MaxUlps: lengths differ: {a.Length} and {b.Length}");
        long worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(Ordered(a[i]) - Ordered(b[i])));
        return worst;
    }

    /// <summary>
    /// The largest |a - b| over max(|a|, mean |a|): relative for large values, relative to the tensor's typical
    /// size for values near zero (where a relative error would blow up).
    /// </summary>
    public static double MaxRelativeGap(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"MaxRelativeGap: lengths differ: {a.Length} and {b.Length}");
        if (a.Length == 0) return 0;
        double scale = a.Average(v => Math.Abs((double)v));
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
            worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]) / Math.Max(Math.Max(Math.Abs((double)a[i]), scale), 1e-30));
        return worst;
    }

    /// <summary>Maps float bits to integers that order like the floats, so their difference counts representable values between them.</summary>
    private static long Ordered(float x)
    {
        int bits = BitConverter.SingleToInt32Bits(x);
        return bits < 0 ? int.MinValue - (long)bits : bits;
    }
}
