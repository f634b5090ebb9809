using Descent.Cli.Problems;
using Descent.Optim;

namespace Descent.Cli.LrFind;

/// <summary>What <c>descent lr-find</c> found.</summary>
/// <param name="Data">The data set's name.</param>
/// <param name="Seed">The seed that drew the data and the model's initial weights.</param>
/// <param name="Optimizer">The optimizer swept, as printed.</param>
/// <param name="StartLr">The sweep's first rate.</param>
/// <param name="EndLr">The rate the sweep heads for.</param>
/// <param name="Iterations">The most steps the sweep takes.</param>
/// <param name="Finder">The curve and the suggestions.</param>
public sealed record LrFindResult(string Data, ulong Seed, string Optimizer, double StartLr, double EndLr, int Iterations,
    LrFinderResult Finder);

/// <summary>
/// Runs fastai's learning-rate range test (<see cref="LrFinder"/>) with Adam on a <see cref="DataChoice"/>'s
/// model and data: the rate grows from 1e-7 to 10 over 100 steps and the smoothed loss is recorded.
/// </summary>
/// <example><code>
/// var result = LrFindRun.Run(DataChoice.Sin, seed: 0);
/// Console.WriteLine($"suggested lr: {result.Finder.Suggestion:g3}");
/// </code></example>
public static class LrFindRun
{
    /// <summary>The sweep's first rate (fastai's default).</summary>
    public const double StartLr = 1e-7;

    /// <summary>The sweep's last rate (fastai's default).</summary>
    public const double EndLr = 10;

    /// <summary>The sweep's length (fastai's default).</summary>
    public const int Iterations = 100;

    /// <summary>Runs the range test; the same data set and seed give the same result.</summary>
    public static LrFindResult Run(DataChoice data, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var problem = data.Create(seed);
        var optimizer = new Adam(problem.Model.Parameters());
        var finder = LrFinder.Run(problem.Model, optimizer, problem.BatchLosses(), StartLr, EndLr, Iterations);
        return new LrFindResult(problem.Name, seed, "Adam", StartLr, EndLr, Iterations, finder);
    }
}
