using Descent.Optim;

namespace Descent.Tutorial;

/// <summary>
/// The sin data and what the trained line and MLP predict over [−π, π], for the "a line cannot bend" figure.
/// The story keeps only the losses, so the same problem is drawn again and both models trained again exactly
/// as <see cref="NetworkStory"/> trains them (deterministic: the final losses are the story's).
/// </summary>
/// <param name="X">The inputs.</param>
/// <param name="Y">The targets, sin(x) plus noise.</param>
/// <param name="Grid">Evenly spaced inputs from −π to π.</param>
/// <param name="Line">The trained line's predictions on <paramref name="Grid"/>.</param>
/// <param name="Mlp">The trained MLP's predictions on <paramref name="Grid"/>.</param>
/// <param name="LineLoss">The trained line's loss on the data.</param>
/// <param name="MlpLoss">The trained MLP's loss on the data.</param>
public sealed record SinFits(double[] X, double[] Y, double[] Grid, double[] Line, double[] Mlp, float LineLoss, float MlpLoss)
{
    /// <summary>Points on the prediction grid.</summary>
    public const int GridPoints = 201;

    /// <summary>Draws the problem for <paramref name="settings"/>, trains both models and samples their predictions.</summary>
    public static SinFits Of(NetworkSettings settings)
    {
        var problem = SinProblem.Create(settings);
        var line = problem.NewLine();
        problem.Train("line", line, new Adam(line.Parameters(), lr: NetworkSettings.AdamLr));
        var mlp = problem.NewMlp();
        problem.Train("MLP", mlp, new Adam(mlp.Parameters(), lr: NetworkSettings.AdamLr));
        var grid = Tensor.Linspace(-MathF.PI, MathF.PI, GridPoints).Unsqueeze(1);
        using (Autograd.NoGrad())
        {
            return new SinFits(Doubles(problem.Data.Inputs), Doubles(problem.Data.Targets), Doubles(grid),
                Doubles(line.Forward(grid)), Doubles(mlp.Forward(grid)), problem.Loss(line), problem.Loss(mlp));
        }
    }

    private static double[] Doubles(Tensor t) => [.. t.ToArray().Select(v => (double)v)];
}
