using System.Diagnostics.CodeAnalysis;
using Descent.Cli.Demo;
using Descent.Nn;
using Descent.Tutorial;

namespace Descent.Cli.Problems;

/// <summary>
/// A data set that <c>--data</c> can name, with the model and loss that go with it. Add a data set by adding
/// an entry to <see cref="All"/>; the option, its help and its error message follow.
/// </summary>
/// <param name="Name">The name typed after <c>--data</c>.</param>
/// <param name="Description">One line for the help text.</param>
/// <param name="Create">Draws the data and a fresh model from a seed.</param>
/// <example><code>
/// if (DataChoice.TryParse("sin", out var choice)) { var problem = choice.Create(0); }
/// </code></example>
public sealed record DataChoice(string Name, string Description, Func<ulong, LearningProblem> Create)
{
    /// <summary>The demo's sin regression: 200 points of sin(x) + 0.1·N(0, 1), the demo's MLP, MSE, full batch.</summary>
    public static DataChoice Sin { get; } = new("sin",
        "200 points y = sin(x) + 0.1·N(0, 1); MLP 1-32-32-1 with Tanh; MSE; full batch", CreateSin);

    /// <summary>Every data set <c>--data</c> accepts, in the order the help lists them.</summary>
    public static IReadOnlyList<DataChoice> All { get; } = [Sin];

    /// <summary>The accepted names, comma-separated, for help and error messages.</summary>
    public static string Supported => string.Join(", ", All.Select(c => c.Name));

    /// <summary>Finds the data set named <paramref name="text"/> (ignoring case and surrounding spaces).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DataChoice? choice)
    {
        string name = text?.Trim() ?? "";
        choice = All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        return choice != null;
    }

    /// <summary>The data set named <paramref name="text"/>; throws <see cref="ArgumentException"/> listing the supported names otherwise.</summary>
    public static DataChoice Parse(string? text) =>
        TryParse(text, out var choice) ? choice
            : throw new ArgumentException($"unknown data set '{text}'; supported: {Supported}", nameof(text));

    private static LearningProblem CreateSin(ulong seed)
    {
        var problem = SinProblem.Create(new NetworkSettings(Seed: seed));
        return new LearningProblem("sin", problem.Data, problem.NewMlp(), new MSELoss(), problem.Data.Count, new Generator(seed));
    }
}
