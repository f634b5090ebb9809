using System.Globalization;

namespace Descent.Optim;

public abstract partial class Optimizer<TState>
{
    private const string StepCountKey = "step_count";

    /// <summary>
    /// The state as tensors: <c>state.{i}.{name}</c> per parameter (i counts parameters across groups
    /// in order; only parameters that have state), <c>group.{g}.params</c> (the parameter indices of
    /// group g), <c>group.{g}.lr</c>, <c>initial_lr</c>, <c>weight_decay</c>, <c>momentum</c>,
    /// <c>beta1</c>, <c>beta2</c> (those the optimizer uses) as one-element tensors, and <c>step_count</c>.
    /// Every tensor is a copy.
    /// </summary>
    /// <example><code>
    /// var saved = opt.StateDict();
    /// var resumed = new Adam(model.Parameters());
    /// resumed.LoadStateDict(saved);
    /// </code></example>
    public override OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var (p, g) = _parameters[i];
            if (!_state.TryGetValue(p, out var s)) continue;
            foreach (var name in StateNames(g))
            {
                if (name == "step") dict.Add($"state.{i}.step", Tensor.Scalar(s.Step));
                else if (s.Buffer(name) is float[] b)
                {
                    var copy = Tensor.Zeros(p.Shape);
                    b.CopyTo(copy.DataSpan);
                    dict.Add($"state.{i}.{name}", copy);
                }
            }
        }
        int first = 0;
        for (int gi = 0; gi < ParamGroups.Count; gi++)
        {
            var g = ParamGroups[gi];
            var indices = Enumerable.Range(first, g.Parameters.Count).Select(i => (float)i).ToArray();
            dict.Add($"group.{gi}.params", Tensor.Create(indices, [indices.Length]));
            foreach (var (name, value) in GroupValues(g)) dict.Add($"group.{gi}.{name}", Tensor.Scalar((float)value));
            first += g.Parameters.Count;
        }
        dict.Add(StepCountKey, Tensor.Scalar(StepCount));
        return dict;
    }

    /// <summary>
    /// Restores a state written by <see cref="StateDict"/> (replacing all current state), after checking
    /// it; throws <see cref="ArgumentException"/> listing every missing, unexpected, mis-shaped and invalid key.
    /// A group value is taken from the dict only where it differs from the current one at float32
    /// precision, so a double hyper-parameter survives a round trip exactly.
    /// </summary>
    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var missing = new List<string>();
        var unexpected = new List<string>();
        var misshaped = new List<string>();
        var invalid = new List<string>();
        var perParameter = new SortedDictionary<int, Dictionary<string, Tensor>>();

        void ExpectShape(string key, Tensor value, int[] shape)
        {
            if (!Descent.Shape.Equal(value.ShapeRef, shape))
                misshaped.Add($"{key}: expected {Descent.Shape.Format(shape)}, got {Descent.Shape.Format(value.ShapeRef)}");
        }
        void ExpectCount(string key, Tensor value)
        {
            ExpectShape(key, value, []);
            if (value.Numel == 1 && !(value.Data[0] >= 0 && value.Data[0] == MathF.Floor(value.Data[0])))
                invalid.Add($"{key}: expected a whole number >= 0, got {value.Data[0]}");
        }

        foreach (var (key, value) in state)
        {
            if (key == StepCountKey) { ExpectCount(key, value); continue; }
            var parts = key.Split('.');
            if (parts.Length == 3 && parts[0] == "state" && TryIndex(parts[1], _parameters.Count, out int i)
                && StateNames(_parameters[i].Group).Contains(parts[2]))
            {
                if (parts[2] == "step") ExpectCount(key, value);
                else ExpectShape(key, value, _parameters[i].Parameter.ShapeRef);
                if (!perParameter.TryGetValue(i, out var entries)) perParameter[i] = entries = [];
                entries[parts[2]] = value;
            }
            else if (parts.Length == 3 && parts[0] == "group" && TryIndex(parts[1], ParamGroups.Count, out int gi)
                && (parts[2] == "params" || GroupValues(ParamGroups[gi]).Any(v => v.Name == parts[2])))
            {
                if (parts[2] != "params") { ExpectShape(key, value, []); continue; }
                int first = ParamGroups.Take(gi).Sum(g => g.Parameters.Count), count = ParamGroups[gi].Parameters.Count;
                ExpectShape(key, value, [count]);
                if (value.Numel == count && !value.Data.SequenceEqual(Enumerable.Range(first, count).Select(x => (float)x).ToArray()))
                    invalid.Add($"{key}: expected parameters {first} to {first + count - 1}, got [{string.Join(", ", value.ToArray())}]");
            }
            else unexpected.Add(key);
        }

        if (!state.ContainsKey(StepCountKey)) missing.Add(StepCountKey);
        for (int gi = 0; gi < ParamGroups.Count; gi++)
            foreach (var name in GroupValues(ParamGroups[gi]).Select(v => v.Name).Prepend("params"))
                if (!state.ContainsKey($"group.{gi}.{name}")) missing.Add($"group.{gi}.{name}");
        foreach (var (i, entries) in perParameter)
            foreach (var name in StateNames(_parameters[i].Group))
                if (!entries.ContainsKey(name)) missing.Add($"state.{i}.{name}");

        if (missing.Count + unexpected.Count + misshaped.Count + invalid.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add("missing keys: " + string.Join(", ", missing));
            if (unexpected.Count > 0) parts.Add("unexpected keys: " + string.Join(", ", unexpected));
            if (misshaped.Count > 0) parts.Add("shape mismatches: " + string.Join("; ", misshaped));
            if (invalid.Count > 0) parts.Add("invalid values: " + string.Join("; ", invalid));
            throw new ArgumentException($"{Name}.LoadStateDict: the state does not fit this optimizer; " + string.Join("; ", parts));
        }

        _state.Clear();
        foreach (var (i, entries) in perParameter)
        {
            var (p, g) = _parameters[i];
            var s = CreateState(g, p);
            foreach (var (name, value) in entries)
            {
                if (name == "step") s.Step = (long)value.Item();
                else s.SetBuffer(name, value.ToArray());
            }
            _state[p] = s;
        }
        for (int gi = 0; gi < ParamGroups.Count; gi++)
        {
            var g = ParamGroups[gi];
            float Saved(string name) => state[$"group.{gi}.{name}"].Item();
            g.Lr = Restore(g.Lr, Saved("lr"));
            g.InitialLr = Restore(g.InitialLr, Saved("initial_lr"));
            g.WeightDecay = Restore(g.WeightDecay, Saved("weight_decay"));
            if (g.Momentum is double m) g.Momentum = Restore(m, Saved("momentum"));
            if (g.Beta1 is double b1) g.Beta1 = Restore(b1, Saved("beta1"));
            if (g.Beta2 is double b2) g.Beta2 = Restore(b2, Saved("beta2"));
        }
        StepCount = (long)state[StepCountKey].Item();
    }

    private static IEnumerable<(string Name, double Value)> GroupValues(ParamGroup g)
    {
        yield return ("lr", g.Lr);
        yield return ("initial_lr", g.InitialLr);
        yield return ("weight_decay", g.WeightDecay);
        if (g.Momentum is double m) yield return ("momentum", m);
        if (g.Beta1 is double b1) yield return ("beta1", b1);
        if (g.Beta2 is double b2) yield return ("beta2", b2);
    }

    // A float32 tensor cannot hold a double exactly: keep the current value when the saved one is its rounding.
    private static double Restore(double current, float saved) => (float)current == saved ? current : saved;

    private static bool TryIndex(string text, int count, out int index) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < count;
}
