namespace Descent;

/// <summary>
/// One recorded op in the autograd graph: its inputs and the closure that maps the output's gradient to
/// the inputs' gradients. Closures return gradients in the output's (broadcast) shape; the engine sums
/// them back to each input's shape, so no op repeats that rule.
/// </summary>
public sealed class Node
{
    private Tensor[]? _inputs;
    private Func<Tensor, Tensor?>? _unary;
    private Func<Tensor, (Tensor?, Tensor?)>? _binary;
    private Func<Tensor, Tensor?[]>? _nary;

    internal Tensor? PendingGrad;

    internal Node(string name, Tensor input, Func<Tensor, Tensor?> backward)
    {
        Name = name;
        _inputs = [input];
        _unary = backward;
    }

    internal Node(string name, Tensor a, Tensor b, Func<Tensor, (Tensor?, Tensor?)> backward)
    {
        Name = name;
        _inputs = [a, b];
        _binary = backward;
    }

    internal Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        _inputs = inputs;
        _nary = backward;
    }

    /// <summary>The op's name, as in PyTorch's <c>grad_fn</c> (e.g. <c>MulBackward</c>).</summary>
    public string Name { get; }

    /// <summary>True once a Backward without retainGraph has freed this node's saved tensors.</summary>
    public bool IsReleased => _inputs == null;

    internal Tensor[] Inputs => _inputs ?? throw Released();

    internal Tensor?[] Apply(Tensor grad)
    {
        if (_unary != null) return [_unary(grad)];
        if (_binary != null)
        {
            var (ga, gb) = _binary(grad);
            return [ga, gb];
        }
        if (_nary != null) return _nary(grad);
        throw Released();
    }

    internal void Release()
    {
        _inputs = null;
        _unary = null;
        _binary = null;
        _nary = null;
    }

    private InvalidOperationException Released() => new(
        $"Backward: the graph through {Name} was already freed by an earlier Backward(); " +
        "pass retainGraph: true to the first Backward() to backpropagate through it again.");

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}Backward0>";
}
