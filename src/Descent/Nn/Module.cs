namespace Descent.Nn;

/// <summary>
/// Base class of every layer and model, like <c>torch.nn.Module</c>. Subclasses register their
/// parameters, buffers and submodules explicitly, and the registration returns the object so a field
/// can be initialised in one line; names follow PyTorch's state-dict names (<c>fc1.weight</c>, <c>0.bias</c>).
/// <para>
/// One <see cref="Parameter"/> may be registered under several names (weight tying, as GPT's output head
/// reusing the token embedding), with PyTorch's rules: <see cref="NamedParameters"/>,
/// <see cref="Parameters"/> and so every optimizer see it once, under the first name in registration
/// order; <see cref="StateDict"/> holds every name; <see cref="LoadStateDict"/> expects every name
/// (strict) and writes each into the one shared tensor, so the tie survives a save and a load.
/// Autograd adds the gradients of all its uses into its one <c>.Grad</c>.
/// </para>
/// </summary>
/// <example><code>
/// sealed class TwoLayer : Module
/// {
///     private readonly Linear _fc1, _fc2;
///     public TwoLayer() { _fc1 = RegisterModule("fc1", new Linear(4, 8)); _fc2 = RegisterModule("fc2", new Linear(8, 1)); }
///     public override Tensor Forward(Tensor x) => _fc2.Forward(_fc1.Forward(x).Relu());
/// }
/// </code></example>
public abstract partial class Module
{
    private readonly List<(string Name, Parameter? Value)> _parameters = [];
    private readonly List<(string Name, Tensor? Value)> _buffers = [];
    private readonly List<(string Name, Module Value)> _modules = [];

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Sets training mode on this module and every submodule; returns this.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, m) in _modules) m.Train(mode);
        return this;
    }

    /// <summary>Sets evaluation mode (Dropout off, BatchNorm uses running statistics); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Registers a learnable parameter (null allowed, e.g. a disabled bias) under <paramref name="name"/>.</summary>
    protected Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        CheckName(name);
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Registers a learnable parameter made from <paramref name="data"/>.</summary>
    protected Parameter RegisterParameter(string name, Tensor data) => RegisterParameter(name, new Parameter(data))!;

    /// <summary>Registers a buffer: state saved in the state dict but not trained (e.g. BatchNorm's running mean).</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckName(name);
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a submodule under <paramref name="name"/>; returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _modules.Add((name, module));
        return module;
    }

    /// <summary>
    /// Replaces the parameter registered as <paramref name="name"/> with <paramref name="parameter"/>, as
    /// PyTorch's <c>module.weight = other.weight</c>: the way a layer ties its weight to another module's.
    /// Layers expose it through a settable property that checks the shape (<see cref="Linear.Weight"/>,
    /// <see cref="Embedding.Weight"/>).
    /// </summary>
    protected void SetParameter(string name, Parameter? parameter)
    {
        int i = _parameters.FindIndex(p => p.Name == name);
        if (i < 0) throw new ArgumentException($"{GetType().Name}: no parameter named '{name}'");
        _parameters[i] = (name, parameter);
    }

    /// <summary>
    /// <see cref="SetParameter"/> for a layer's settable weight: refuses null and any shape but
    /// <paramref name="shape"/> (described as <paramref name="shapeName"/> in the error), and returns the parameter.
    /// </summary>
    protected Parameter ReplaceParameter(string name, Parameter value, int[] shape, string shapeName)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (!Descent.Shape.Equal(value.ShapeRef, shape))
            throw new ArgumentException($"{GetType().Name}: {name} must be {shapeName} = {Descent.Shape.Format(shape)}; got {Descent.Shape.Format(value.ShapeRef)}");
        SetParameter(name, value);
        return value;
    }

    /// <summary>Replaces a registered buffer's tensor (used when a buffer is reassigned rather than updated in place).</summary>
    protected void SetBuffer(string name, Tensor value)
    {
        int i = _buffers.FindIndex(b => b.Name == name);
        if (i < 0) throw new ArgumentException($"{GetType().Name}: no buffer named '{name}'");
        _buffers[i] = (name, value);
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: invalid name '{name}' (non-empty, no '.')");
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Name == name))
            throw new ArgumentException($"{GetType().Name}: '{name}' is already registered");
    }

    /// <summary>Direct submodules in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _modules.Select(m => (m.Name, m.Value));

    /// <summary>The number of direct submodules (with <see cref="Child"/>, a walk that allocates nothing).</summary>
    internal int ChildCount => _modules.Count;

    /// <summary>The direct submodule at <paramref name="index"/> in registration order.</summary>
    internal Module Child(int index) => _modules[index].Value;

    /// <summary>This module and all submodules, depth first, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, m) in _modules)
            foreach (var item in m.NamedModules(Join(prefix, name))) yield return item;
    }

    /// <summary>
    /// Every parameter with its dotted name, in registration order, as <c>named_parameters()</c>: a
    /// parameter registered under several names (tied) comes once, under its first name, unless
    /// <paramref name="removeDuplicate"/> is false.
    /// </summary>
    /// <example><code>
    /// foreach (var (name, p) in model.NamedParameters()) Console.WriteLine($"{name} {Shape.Format(p.Shape)}");
    /// </code></example>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool removeDuplicate = true) =>
        Distinct(AllNamed(m => m._parameters, prefix), removeDuplicate);

    /// <summary>Every parameter once (a tied one too), in registration order; what an optimizer takes.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name; a buffer registered under several names comes once unless <paramref name="removeDuplicate"/> is false.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool removeDuplicate = true) =>
        Distinct(AllNamed(m => m._buffers, prefix), removeDuplicate);

    private IEnumerable<(string Name, T Value)> AllNamed<T>(Func<Module, List<(string Name, T? Value)>> registry, string prefix) where T : Tensor
    {
        foreach (var (name, t) in registry(this))
            if (t != null) yield return (Join(prefix, name), t);
        foreach (var (name, m) in _modules)
            foreach (var item in m.AllNamed(registry, Join(prefix, name))) yield return item;
    }

    // By reference, as PyTorch's memo set: Tensor's equality is not identity, and a tie is one object.
    private static IEnumerable<(string Name, T Value)> Distinct<T>(IEnumerable<(string Name, T Value)> items, bool removeDuplicate) where T : Tensor
    {
        if (!removeDuplicate) return items;
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        return items.Where(item => seen.Add(item.Value));
    }

    /// <summary>Zeroes every parameter's gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>
    /// Copies of every parameter and buffer under their PyTorch names (parameters first within each
    /// module, as PyTorch orders them). Copies, so that later training does not change a saved state.
    /// A tied parameter appears under each of its names, as in PyTorch's <c>state_dict()</c>.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor>();
        Collect(state, "");
        return state;
    }

    private void Collect(OrderedDictionary<string, Tensor> state, string prefix)
    {
        foreach (var (name, p) in _parameters)
            if (p != null) state.Add(Join(prefix, name), p.Detach().Clone());
        foreach (var (name, b) in _buffers)
            if (b != null) state.Add(Join(prefix, name), b.Detach().Clone());
        foreach (var (name, m) in _modules) m.Collect(state, Join(prefix, name));
    }

    /// <summary>
    /// Copies values from a state dict into this module's parameters and buffers in place. With
    /// <paramref name="strict"/>, missing and unexpected keys are errors; a shape mismatch always is.
    /// The error, a <see cref="StateDictMismatchException"/>, lists every offending key (with both shapes
    /// where they differ); nothing is changed unless the whole state fits. Names are PyTorch's, so a
    /// PyTorch <c>state_dict()</c> saved with safetensors loads in one call, BatchNorm's int64
    /// <c>num_batches_tracked</c> included (<see cref="Descent.IO.Safetensors"/> reads it exactly). A tied
    /// parameter needs each of its names under strict, as in PyTorch; the names are written in
    /// registration order into the one tensor, so the last wins if their values differ.
    /// </summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        // Every name, tied ones too, as the state dict has them; a tied tensor is written once per name.
        var targets = new OrderedDictionary<string, Tensor>();
        foreach (var (n, p) in NamedParameters(removeDuplicate: false)) targets.Add(n, p);
        foreach (var (n, b) in NamedBuffers(removeDuplicate: false)) targets.Add(n, b);
        var missing = targets.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !targets.ContainsKey(k)).ToList();
        var misshaped = targets.Where(t => state.TryGetValue(t.Key, out var v) && !Descent.Shape.Equal(v.ShapeRef, t.Value.ShapeRef))
            .Select(t => new StateDictShapeMismatch(t.Key, t.Value.Shape, state[t.Key].Shape)).ToList();
        if (misshaped.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictMismatchException(GetType().Name, missing, unexpected, misshaped);
        foreach (var (name, target) in targets)
            if (state.TryGetValue(name, out var value)) value.Data.CopyTo(target.DataSpan);
        return new LoadStateDictResult(missing, unexpected);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>
    /// The settings shown between the parentheses when the module prints, as PyTorch's <c>extra_repr</c>
    /// (<c>in_features=784, out_features=256, bias=True</c>); empty by default.
    /// </summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>
    /// The module as PyTorch prints it: its settings, then each child as <c>(name): child</c>, indented by two
    /// spaces per level. <c>Console.WriteLine(model)</c> shows the whole tree.
    /// </summary>
    /// <example><code>
    /// Console.WriteLine(new Sequential(new Linear(784, 256), new ReLU()));
    /// // Sequential(
    /// //   (0): Linear(in_features=784, out_features=256, bias=True)
    /// //   (1): ReLU()
    /// // )
    /// </code></example>
    public override string ToString() => ModuleText.Format(GetType().Name, ExtraRepr(), _modules.Select(m => (m.Name, m.Value.ToString())));
}

/// <summary>Keys that a non-strict <see cref="Module.LoadStateDict"/> left out or ignored.</summary>
/// <example><code>
/// Console.WriteLine(model.LoadStateDict(state, strict: false));
/// // LoadStateDictResult(missing_keys=[fc.bias], unexpected_keys=[])
/// </code></example>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>The keys as PyTorch's <c>_IncompatibleKeys</c> prints them; <c>&lt;All keys matched successfully&gt;</c> when both lists are empty.</summary>
    public override string ToString() => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0
        ? "<All keys matched successfully>"
        : $"LoadStateDictResult(missing_keys=[{string.Join(", ", MissingKeys)}], unexpected_keys=[{string.Join(", ", UnexpectedKeys)}])";
}
