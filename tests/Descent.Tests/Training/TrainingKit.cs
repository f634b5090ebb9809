using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>A fully connected layer built from parameters, standing in for Linear in these tests.</summary>
internal sealed class Dense : Module
{
    private readonly Parameter _weight, _bias;

    public Dense(int inputs, int outputs, Generator generator)
    {
        _weight = RegisterParameter("weight", Tensor.Zeros(outputs, inputs));
        _bias = RegisterParameter("bias", Tensor.Zeros(outputs));
        Init.DefaultLayer(_weight, _bias, generator);
    }

    public override Tensor Forward(Tensor input) => input.MatMul(_weight.T) + _bias;
}

/// <summary>
/// A two-layer ReLU network (ReLU as Clamp(min: 0)). With a noise generator, training mode adds small
/// Gaussian noise to the hidden layer, standing in for Dropout's random draws.
/// </summary>
internal sealed class Mlp : Module
{
    private readonly Dense _fc1, _fc2;
    private readonly Generator? _noise;

    public Mlp(int inputs, int hidden, int outputs, Generator generator, Generator? noise = null)
    {
        _fc1 = RegisterModule("fc1", new Dense(inputs, hidden, generator));
        _fc2 = RegisterModule("fc2", new Dense(hidden, outputs, generator));
        _noise = noise;
    }

    public override Tensor Forward(Tensor input)
    {
        var h = _fc1.Forward(input).Clamp(min: 0f);
        if (Training && _noise != null) h = h + Tensor.Randn(h.Shape, _noise) * 0.01f;
        return _fc2.Forward(h);
    }
}

/// <summary>Builds the small problems and learners the training tests share.</summary>
internal static class TrainingKit
{
    /// <summary>Two moons, 240 training and 80 validation points.</summary>
    public static (TensorDataset Train, TensorDataset Valid) Moons(ulong seed = 7)
    {
        var g = new Generator(seed);
        return (Synthetic.Moons(240, 0.1f, g), Synthetic.Moons(80, 0.1f, g));
    }

    /// <summary>
    /// A moons classifier with shuffling, an optional noise generator, and the given optimizer and schedule
    /// factories; everything random is seeded from <paramref name="seed"/>.
    /// </summary>
    public static Learner MoonsLearner(ulong seed, string optimizer = "adam", int epochs = 6, bool schedule = true,
        bool noise = true, IEnumerable<ICallback>? callbacks = null, IProgressReporter? progress = null)
    {
        var (train, valid) = Moons();
        var noiseGen = noise ? new Generator(seed + 1000) : null;
        var model = new Mlp(2, 16, 2, new Generator(seed), noiseGen);
        var trainLoader = new DataLoader(train, batchSize: 32, shuffle: true, generator: new Generator(seed + 1));
        var validLoader = new DataLoader(valid, batchSize: 64);
        Optimizer opt = optimizer switch
        {
            "adam" => new Adam(model.Parameters(), lr: 0.01),
            "sgd" => new SGD(model.Parameters(), lr: 0.1, momentum: 0.9),
            _ => throw new ArgumentException(optimizer),
        };
        Schedule? sched = schedule ? OneCycle.Fastai(totalSteps: epochs * trainLoader.Count, maxLr: 0.05) : null;
        return new Learner(model, trainLoader, validLoader, new CrossEntropyLoss(), opt, sched,
            metrics: [new Accuracy()], callbacks: callbacks, progress: progress,
            generators: noiseGen == null ? null : [noiseGen], architecture: "mlp:2,16,2");
    }

    /// <summary>All parameters of a model flattened, to compare bit for bit.</summary>
    public static float[] Weights(Module model) => model.Parameters().SelectMany(p => p.ToArray()).ToArray();

    public static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"weight {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "descent-training-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>
/// Tests that restore generator states, including <see cref="Generator.Default"/>, which other tests draw
/// from: they run alone, after the parallel ones.
/// </summary>
[CollectionDefinition("Generator.Default", DisableParallelization = true)]
public sealed class DefaultGeneratorCollection;

/// <summary>Records every hook call, to check order and arguments.</summary>
internal sealed class RecordingCallback(string name, List<string> log, int order = 0) : ICallback
{
    public string Name => name;
    public int Order => order;
    public void OnFitBegin(Learner learner) => log.Add($"{name}:fit_begin");
    public void OnEpochBegin(Learner learner, int epoch) => log.Add($"{name}:epoch_begin {epoch}");
    public void OnBatchEnd(Learner learner, BatchResult batch) => log.Add($"{name}:batch_end {batch.Epoch}.{batch.Batch}");
    public void OnEpochEnd(Learner learner, EpochRecord record) => log.Add($"{name}:epoch_end {record.Epoch} history {learner.History.Count}");
    public void OnFitEnd(Learner learner, History history) => log.Add($"{name}:fit_end {history.Count}");
}

/// <summary>Collects progress events.</summary>
internal sealed class RecordingProgress : IProgressReporter
{
    public List<FitInfo> Begins { get; } = [];
    public int Batches { get; set; }
    public List<EpochRecord> Epochs { get; } = [];
    public List<string> Messages { get; } = [];
    public void OnFitBegin(FitInfo info) => Begins.Add(info);
    public void OnBatch(BatchResult batch) => Batches++;
    public void OnEpochEnd(EpochRecord record, int epochs) => Epochs.Add(record);
    public void OnMessage(string message) => Messages.Add(message);
}
