using System.Globalization;
using System.Text;

namespace Descent.Nn;

/// <summary>
/// What <see cref="Module.Summary"/> measured: one row per layer with its output shape and parameter count,
/// and the totals; it prints as Keras's <c>model.summary()</c> does.
/// </summary>
/// <param name="Model">The model's type name.</param>
/// <param name="Rows">The layers in the order the input flows through them.</param>
/// <param name="OutputShape">The model's output shape.</param>
/// <param name="TrainableParameters">Elements of the parameters that require grad, each shared parameter once.</param>
/// <param name="FrozenParameters">Elements of the parameters that do not.</param>
/// <example><code>Console.WriteLine(model.Summary(1, 784));</code></example>
public sealed record ModelSummary(string Model, IReadOnlyList<ModelSummary.Row> Rows, int[] OutputShape, long TrainableParameters, long FrozenParameters)
{
    /// <summary>One layer: its dotted name, its type, its output shape and its parameters' elements.</summary>
    public sealed record Row(string Name, string Type, int[] OutputShape, long Parameters);

    /// <summary>Every parameter element.</summary>
    public long TotalParameters => TrainableParameters + FrozenParameters;

    /// <summary>The Keras-like table: layer (type), output shape, parameters, then the totals.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var cells = Rows.Select(r => (Layer: $"{r.Name} ({r.Type})", Shape: Shape.Format(r.OutputShape), Params: r.Parameters.ToString("N0", c))).ToList();
        int layer = Math.Max("Layer (type)".Length, cells.Max(x => (int?)x.Layer.Length) ?? 0) + 2;
        int shape = Math.Max("Output shape".Length, cells.Max(x => (int?)x.Shape.Length) ?? 0) + 2;
        int param = Math.Max("Param #".Length, cells.Max(x => (int?)x.Params.Length) ?? 0);
        string rule = new('=', layer + shape + param);
        var text = new StringBuilder();
        text.AppendLine($"Model: {Model}").AppendLine(rule);
        text.AppendLine("Layer (type)".PadRight(layer) + "Output shape".PadRight(shape) + "Param #".PadLeft(param)).AppendLine(rule);
        foreach (var (l, s, p) in cells) text.AppendLine(l.PadRight(layer) + s.PadRight(shape) + p.PadLeft(param));
        text.AppendLine(rule);
        text.AppendLine(c, $"Total params: {TotalParameters.ToString("N0", c)}");
        text.AppendLine(c, $"Trainable params: {TrainableParameters.ToString("N0", c)}");
        text.Append(c, $"Non-trainable params: {FrozenParameters.ToString("N0", c)}");
        return text.ToString();
    }
}
