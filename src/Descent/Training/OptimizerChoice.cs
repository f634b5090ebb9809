using Descent.Optim;

namespace Descent.Training;

/// <summary>The optimizers by name, as <c>descent train --optimizer</c> and <see cref="Recipe"/> name them, with the learning rate each uses when <c>--lr</c> is not given.</summary>
public static class OptimizerChoice
{
    /// <summary>The names, as help and errors list them.</summary>
    public static readonly IReadOnlyList<string> Names = ["sgd", "momentum", "adam", "adamw", "rmsprop"];

    /// <summary>The default: Adam.</summary>
    public const string Default = "adam";

    /// <summary>The learning rate used without <c>--lr</c> (with one-cycle it is the peak rate).</summary>
    public static float DefaultLr(string name) => name switch
    {
        "sgd" => 0.1f,
        "momentum" => 0.05f,
        "rmsprop" => 1e-3f,
        _ => 3e-3f,
    };

    /// <summary>
    /// True when the optimizer has a momentum (or Adam's beta1) a schedule may cycle; plain SGD and RMSprop
    /// run without momentum here, and cycling would switch it on.
    /// </summary>
    public static bool HasMomentum(string name) => name is "momentum" or "adam" or "adamw";

    /// <summary>Creates the optimizer; <paramref name="weightDecay"/> is L2 for SGD, RMSprop and Adam, decoupled for AdamW.</summary>
    public static Optimizer Create(string name, IEnumerable<Tensor> parameters, double lr, double weightDecay) => name switch
    {
        "sgd" => new SGD(parameters, lr, weightDecay: weightDecay),
        "momentum" => new SGD(parameters, lr, momentum: 0.9, weightDecay: weightDecay),
        "adam" => new Adam(parameters, lr, weightDecay: weightDecay),
        "adamw" => new AdamW(parameters, lr, weightDecay: weightDecay),
        "rmsprop" => new RMSprop(parameters, lr, weightDecay: weightDecay),
        _ => throw new ArgumentException($"unknown optimizer '{name}'; one of: {string.Join(", ", Names)}", nameof(name)),
    };
}
