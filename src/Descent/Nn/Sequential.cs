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
    public override Tensor Forward(Tensor input)
    {
        // Indexed over the children, not NamedChildren's iterator, so a forward allocates nothing of its own.
        for (int i = 0; i < ChildCount; i++) input = Child(i).Forward(input);
        return input;
    }

    /// <summary>The modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => NamedChildren().Select(c => c.Module).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
