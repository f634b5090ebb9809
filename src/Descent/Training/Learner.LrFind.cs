using Descent.Optim;

namespace Descent.Training;

public sealed partial class Learner
{
    /// <summary>
    /// Runs fastai's learning-rate range test (<see cref="LrFinder.Run"/>) over the training loader, starting
    /// it again whenever an epoch runs out, with the model in training mode. The model, the optimizer, the
    /// rates and every generator the learner records are restored afterwards, so a later <see cref="Fit(int, string?)"/>
    /// trains exactly as it would have without the test.
    /// </summary>
    /// <example><code>
    /// var found = learner.LrFind();
    /// Console.WriteLine($"suggested lr {found.Suggestion:g3}");
    /// </code></example>
    public LrFinderResult LrFind(double startLr = 1e-7, double endLr = 10, int numIter = 100, bool stopDiv = true)
    {
        if (TrainLoader.Count == 0)
            throw new InvalidOperationException($"Learner.LrFind: the training loader yields no batches ({TrainLoader.Dataset.Count} examples, batch size {TrainLoader.BatchSize})");
        var generators = NamedGenerators().Select(g => (g.Generator, State: g.Generator.GetState())).ToList();
        bool wasTraining = Model.Training;
        IEnumerator<(Tensor Input, Tensor Target)>? batches = null;
        Model.Train();
        try
        {
            return LrFinder.Run(Model, Optimizer, () =>
            {
                if (batches == null || !batches.MoveNext())
                {
                    batches?.Dispose();
                    batches = TrainLoader.GetEnumerator();
                    batches.MoveNext();
                }
                var (input, target) = batches.Current;
                return LossOf(Model.Forward(input), target);
            }, startLr, endLr, numIter, stopDiv);
        }
        finally
        {
            batches?.Dispose();
            foreach (var (generator, state) in generators) generator.SetState(state);
            Model.Train(wasTraining);
        }
    }
}
