namespace Descent.Nn;

public abstract partial class Module
{
    /// <summary>
    /// Keras's <c>model.summary()</c>: runs one forward pass of zeros shaped <paramref name="inputShape"/> (the
    /// batch dimension included) in evaluation mode under no-grad, and lists each layer's output shape and
    /// parameter count. A <see cref="Sequential"/> lists its layers one by one (nested ones too); any other
    /// module is one row, since only a chain shows where each layer's output goes. The training mode is restored.
    /// </summary>
    /// <example><code>
    /// var model = new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 10));
    /// Console.WriteLine(model.Summary(1, 1, 28, 28));   // output shapes [1, 784], [1, 256], [1, 256], [1, 10]
    /// </code></example>
    public ModelSummary Summary(params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0)
            throw new ArgumentException($"Summary: inputShape needs the batch dimension and one example's shape, as [1, 784]; got {Descent.Shape.Format(inputShape)}");
        var input = Tensor.Zeros(inputShape);
        bool wasTraining = Training;
        Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var rows = new List<ModelSummary.Row>();
            var output = SummaryRows(this, "", input, rows);
            var parameters = Parameters().ToList();
            long trainable = parameters.Where(p => p.RequiresGrad).Sum(p => (long)p.Numel);
            return new ModelSummary(GetType().Name, rows, output.Shape, trainable, parameters.Sum(p => (long)p.Numel) - trainable);
        }
        finally
        {
            Train(wasTraining);
        }
    }

    private static Tensor SummaryRows(Module module, string name, Tensor input, List<ModelSummary.Row> rows)
    {
        if (module is Sequential chain && chain.Count > 0)
        {
            foreach (var (child, layer) in chain.NamedChildren())
                input = SummaryRows(layer, Join(name, child), input, rows);
            return input;
        }
        var output = module.Forward(input);
        rows.Add(new ModelSummary.Row(name.Length == 0 ? module.GetType().Name : name, module.GetType().Name, output.Shape,
            module.Parameters().Sum(p => (long)p.Numel)));
        return output;
    }
}
