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

    /// <summary>The number of the Backward that last visited this node, so the topological sort needs no visited set.</summary>
    internal long VisitEpoch;

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

    /// <summary>
    /// Runs the closure and hands each input's gradient (in input order) to <paramref name="deliver"/>,
    /// without allocating an array for one- and two-input nodes.
    /// </summary>
    internal void Propagate<TDeliver>(Tensor grad, ref TDeliver deliver) where TDeliver : struct, IGradientSink
    {
        var inputs = Inputs;
        if (_unary != null)
        {
            deliver.Deliver(inputs[0], _unary(grad));
        }
        else if (_binary != null)
        {
            var (ga, gb) = _binary(grad);
            deliver.Deliver(inputs[0], ga);
            deliver.Deliver(inputs[1], gb);
        }
        else
        {
            var grads = _nary!(grad);
            for (int i = 0; i < inputs.Length; i++) deliver.Deliver(inputs[i], grads[i]);
        }
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

    /// <summary>Receives one input's gradient from <see cref="Propagate"/>.</summary>
    internal interface IGradientSink
    {
        void Deliver(Tensor input, Tensor? gradient);
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}Backward0>";
}
