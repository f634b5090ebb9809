namespace Descent.Parity;

/// <summary>
/// Names the public ops, layers, losses, optimizers and schedules a parity test covers, as
/// "Tensor.Add", "Nn.Linear", "Loss.MSELoss", "Optim.SGD" or "Schedule.OneCycle". The coverage test reads these.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class ParityAttribute(params string[] names) : Attribute
{
    public string[] Names { get; } = names;
}
