namespace Descent.IO.Onnx;

/// <summary>
/// A value flowing through the graph being built: its name and its shape. When the batch is
/// symbolic, <see cref="Shape"/> holds the stand-in size 1 at dimension 0, and <see cref="Batch"/> says
/// whether dimension 0 still is the batch or a size derived from it (after a Flatten over dimension 0);
/// shapes are needed at export time (AdaptiveAvgPool2d's window, Flatten's sizes).
/// </summary>
internal readonly record struct OnnxValue(string Name, int[] Shape, OnnxBatch Batch)
{
    public int Rank => Shape.Length;
}

/// <summary>What dimension 0 of a value is when the graph input's batch size is symbolic.</summary>
internal enum OnnxBatch
{
    /// <summary>Every size is fixed.</summary>
    Fixed,

    /// <summary>Dimension 0 is the symbolic batch.</summary>
    Symbolic,

    /// <summary>Dimension 0 depends on the batch (batch times other sizes).</summary>
    Derived,
}

/// <summary>
/// Collects nodes and initializers in topological order and hands out unique value names, so that a
/// converter only says which operator it wants and what it reads.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxInitializer> _initializers = [];
    private readonly HashSet<string> _names = [];

    public OnnxGraph(params string[] inputNames) => _names.UnionWith(inputNames);

    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    public IReadOnlyList<OnnxInitializer> Initializers => _initializers;

    /// <summary>Adds a node with one output named after the module path and operator; returns the output's name.</summary>
    public string Node(string opType, string path, string[] inputs, params OnnxAttribute[] attributes)
    {
        var output = Unique(path.Length == 0 ? opType : $"{path}/{opType}");
        _nodes.Add(new OnnxNode(opType, output, inputs, [output], attributes));
        return output;
    }

    /// <summary>
    /// Adds a node with <paramref name="outputs"/> outputs (the recurrent operators' Y, Y_h, Y_c); returns their
    /// names, the first named as the single-output overload names it.
    /// </summary>
    public string[] Node(string opType, string path, string[] inputs, int outputs, params OnnxAttribute[] attributes)
    {
        var first = Unique(path.Length == 0 ? opType : $"{path}/{opType}");
        string[] names = [first, .. Enumerable.Range(1, outputs - 1).Select(i => Unique($"{first}_out{i}"))];
        _nodes.Add(new OnnxNode(opType, first, inputs, names, attributes));
        return names;
    }

    /// <summary>Reserves a graph input's name so that no node output takes it.</summary>
    public void Reserve(string name) => _names.Add(name);

    /// <summary>Adds a float32 constant (a copy of <paramref name="tensor"/>); returns its unique name.</summary>
    public string Weight(string name, Tensor tensor)
    {
        var unique = Unique(name);
        _initializers.Add(new OnnxInitializer(unique, [.. tensor.Shape.Select(d => (long)d)], tensor.ToArray(), null));
        return unique;
    }

    /// <summary>Adds a float32 scalar constant; returns its unique name.</summary>
    public string Scalar(string name, float value)
    {
        var unique = Unique(name);
        _initializers.Add(new OnnxInitializer(unique, [], [value], null));
        return unique;
    }

    /// <summary>Adds a 1-D int64 constant (a shape for Reshape); returns its unique name.</summary>
    public string Int64s(string name, long[] values)
    {
        var unique = Unique(name);
        _initializers.Add(new OnnxInitializer(unique, [values.Length], null, values));
        return unique;
    }

    /// <summary>Adds an int64 scalar constant (Range's bounds); returns its unique name.</summary>
    public string Int64Scalar(string name, long value)
    {
        var unique = Unique(name);
        _initializers.Add(new OnnxInitializer(unique, [], null, [value]));
        return unique;
    }

    /// <summary>Renames the graph's final value to <paramref name="output"/>, adding an Identity node only when no node produced it.</summary>
    public void MarkOutput(string value, string output)
    {
        _names.Add(output);
        if (_nodes.Count > 0 && _nodes[^1].Outputs[0] == value)
        {
            // The last node is the only producer and nothing reads its output yet, so renaming it is safe.
            _nodes[^1] = _nodes[^1] with { Outputs = [output] };
            return;
        }
        _nodes.Add(new OnnxNode("Identity", output, [value], [output], []));
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (int i = 1; !_names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}
