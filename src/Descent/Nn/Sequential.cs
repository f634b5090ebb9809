using System.Collections;
using System.Globalization;

namespace Descent.Nn;

/// <summary>
/// A chain of modules applied in order, like <c>torch.nn.Sequential</c>. Children are named "0", "1",
/// ... so state-dict keys read <c>0.weight</c>, <c>2.bias</c> as in PyTorch.
/// </summary>
/// <example><code>
/// var model = new Sequential(new Linear(1, 16), new Tanh(), new Linear(16, 1));
/// var y = model.Forward(x);
/// var last = (Linear)model[-1];
/// </code></example>
public sealed class Sequential : Module, IEnumerable<Module>
{
    /// <summary>Creates the chain from <paramref name="modules"/>, in order.</summary>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module under the next index name; returns this chain.</summary>
    public Sequential Add(Module module)
    {
        RegisterModule(Count.ToString(CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Number of modules in the chain.</summary>
    public int Count => NamedChildren().Count();

    /// <summary>The module at <paramref name="index"/> (negative counts from the end, as in Python).</summary>
    public Module this[int index]
    {
        get
        {
            int count = Count;
            int i = index < 0 ? index + count : index;
            if (i < 0 || i >= count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Sequential: index {index} is out of range for {count} modules");
            return NamedChildren().ElementAt(i).Module;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A <see cref="Linear"/> followed by a <see cref="ReLU"/> or <see cref="GELU"/> runs as one op that applies
    /// the activation in the product's write (<c>Tensor.AffineRelu</c>, <c>Tensor.AffineGelu</c>): the same bits,
    /// forward and backward, as the two modules one after the other, and nothing outside the chain can see
    /// the Linear's output in between.
    /// </remarks>
    public override Tensor Forward(Tensor input)
    {
        // A Linear waits here until the next module shows whether an activation can join it.
        Linear? waiting = null;
        // Indexed over the children, not NamedChildren's iterator, so a forward allocates nothing of its own.
        for (int i = 0; i < ChildCount; i++)
        {
            var module = Child(i);
            if (waiting != null)
            {
                var fused = module switch
                {
                    ReLU => input.AffineRelu(waiting.Weight, waiting.Bias),
                    GELU gelu => input.AffineGelu(waiting.Weight, waiting.Bias, gelu.Approximate),
                    _ => null,
                };
                input = fused ?? waiting.Forward(input);
                waiting = null;
                if (fused != null) continue;
            }
            if (module is Linear linear) waiting = linear;
            else input = module.Forward(input);
        }
        return waiting != null ? waiting.Forward(input) : input;
    }

    /// <summary>The modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => NamedChildren().Select(c => c.Module).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
