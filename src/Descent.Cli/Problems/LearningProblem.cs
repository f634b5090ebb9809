using Descent.Data;
using Descent.Nn;

namespace Descent.Cli.Problems;

/// <summary>
/// What a training command needs to know about a data set: the examples, a freshly initialized model for
/// them, the loss and the batch size. Built by a <see cref="DataChoice"/> from a seed.
/// </summary>
/// <param name="Name">The data set's name on the command line, e.g. "sin".</param>
/// <param name="Data">The training examples.</param>
/// <param name="Model">A model with its initial weights.</param>
/// <param name="Loss">The loss to minimize.</param>
/// <param name="BatchSize">Examples per step; the whole data set for full-batch training.</param>
/// <param name="Generator">Shuffles the examples each epoch when training in mini-batches.</param>
public sealed record LearningProblem(string Name, Dataset Data, Module Model, Loss Loss, int BatchSize, Generator Generator)
{
    /// <summary>
    /// A function that returns the loss of <see cref="Model"/> on the next batch each time it is called,
    /// going round the data set epoch after epoch (shuffled when the batches are smaller than the data set).
    /// </summary>
    /// <example><code>
    /// var next = problem.BatchLosses();
    /// var result = LrFinder.Run(problem.Model, optimizer, next);
    /// </code></example>
    public Func<Tensor> BatchLosses()
    {
        var loader = new DataLoader(Data, BatchSize, shuffle: BatchSize < Data.Count, generator: Generator);
        IEnumerator<(Tensor Input, Tensor Target)>? epoch = null;
        return () =>
        {
            if (epoch == null || !epoch.MoveNext())
            {
                epoch = loader.GetEnumerator();
                if (!epoch.MoveNext()) throw new InvalidOperationException($"{Name}: the data set has no batches");
            }
            var (input, target) = epoch.Current;
            return Loss.Forward(Model.Forward(input), target);
        };
    }
}
