namespace Descent;

/// <summary>
/// One recorded op in the autograd graph: its inputs and the closure that maps the output's gradient to
/// the inputs' gradients. Closures return gradients in the output's (broadcast) shape; the engine sums
/// them back to each input's shape, so no op repeats that rule.
/// </summary>
/// <remarks>
/// Three kinds of closure, one shape: the general one (<see cref="Autograd.Record"/>) takes the output's
/// gradient and returns an array with one gradient per input. The two array-free kinds behind
/// <see cref="Graph.RecordNoArrays(Tensor, string, Tensor, Func{Node, Tensor, Tensor?}, Tensor?, float)"/>
/// keep one, two or three inputs in fields and also receive the node, so a static closure can read its operands
/// from it (<see cref="A"/>, <see cref="B"/>, <see cref="Saved"/>, <see cref="Scalar"/>) instead of capturing them.
/// </remarks>
public sealed class Node
{
    private Tensor? _a, _b;
    // The third input of a three-input node (a Tensor), or every input of the general kind (a Tensor[]): one
    // field for both keeps the node, made once per recorded op, no larger than before the three-input kind.
    private object? _more;
    private Delegate? _backward;
    private readonly byte _kind;
    private bool _released;

    private const byte Unary = 0, Binary = 1, Ternary = 2, Nary = 3;

    internal Tensor? PendingGrad;

    /// <summary>The number of the Backward that last visited this node, so the topological sort needs no visited set.</summary>
    internal long VisitEpoch;

    /// <summary>A tensor the backward needs besides the inputs (often the op's result), for closures that read the node.</summary>
    internal Tensor? Saved;

    /// <summary>A scalar operand, for closures that read the node.</summary>
    internal float Scalar;

    internal Node(string name, Tensor input, Func<Node, Tensor, Tensor?> backward) : this(name, input, null, backward, Unary) { }

    internal Node(string name, Tensor a, Tensor b, Func<Node, Tensor, (Tensor?, Tensor?)> backward) : this(name, a, b, backward, Binary) { }

    internal Node(string name, Tensor a, Tensor b, Tensor c, Func<Node, Tensor, (Tensor?, Tensor?, Tensor?)> backward) : this(name, a, b, backward, Ternary)
    {
        _more = c;
    }

    internal Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        _more = inputs;
        _backward = backward;
        _kind = Nary;
    }

    private Node(string name, Tensor a, Tensor? b, Delegate backward, byte kind)
    {
        Name = name;
        _a = a;
        _b = b;
        _backward = backward;
        _kind = kind;
    }

    /// <summary>The op's name, as in PyTorch's <c>grad_fn</c> (e.g. <c>MulBackward</c>).</summary>
    public string Name { get; }

    /// <summary>True once a Backward without retainGraph has freed this node's saved tensors.</summary>
    public bool IsReleased => _released;

    /// <summary>The first input (closures that read the node use it instead of capturing it).</summary>
    internal Tensor A => _a!;

    /// <summary>The second input of a two- or three-input node.</summary>
    internal Tensor B => _b!;

    /// <summary>The third input of a three-input node.</summary>
    internal Tensor C => (Tensor)_more!;

    internal int InputCount
    {
        get
        {
            if (_released) throw Released();
            return _kind switch { Unary => 1, Binary => 2, Ternary => 3, _ => ((Tensor[])_more!).Length };
        }
    }

    internal Tensor Input(int i) => _kind == Nary ? ((Tensor[])_more!)[i] : i == 0 ? _a! : i == 1 ? _b! : (Tensor)_more!;

    /// <summary>
    /// Runs the closure and hands each input's gradient (in input order) to <paramref name="deliver"/>,
    /// without allocating an array for one-, two- and three-input nodes.
    /// </summary>
    internal void Propagate<TDeliver>(Tensor grad, ref TDeliver deliver) where TDeliver : struct, IGradientSink
    {
        if (_released) throw Released();
        switch (_kind)
        {
            case Unary:
                deliver.Deliver(_a!, ((Func<Node, Tensor, Tensor?>)_backward!)(this, grad));
                break;
            case Binary:
            {
                var (ga, gb) = ((Func<Node, Tensor, (Tensor?, Tensor?)>)_backward!)(this, grad);
                deliver.Deliver(_a!, ga);
                deliver.Deliver(_b!, gb);
                break;
            }
            case Ternary:
            {
                var (ga, gb, gc) = ((Func<Node, Tensor, (Tensor?, Tensor?, Tensor?)>)_backward!)(this, grad);
                deliver.Deliver(_a!, ga);
                deliver.Deliver(_b!, gb);
                deliver.Deliver((Tensor)_more!, gc);
                break;
            }
            default:
            {
                var inputs = (Tensor[])_more!;
                var grads = ((Func<Tensor, Tensor?[]>)_backward!)(grad);
                // User-written closures (Autograd.Record) can miscount; say so instead of an index error.
                if (grads.Length != inputs.Length)
                    throw new InvalidOperationException($"Backward: {Name} returned {grads.Length} gradients for its {inputs.Length} inputs; return one per input (null for none), in input order.");
                for (int i = 0; i < inputs.Length; i++) deliver.Deliver(inputs[i], grads[i]);
                break;
            }
        }
    }

    internal void Release()
    {
        _released = true;
        _a = null;
        _b = null;
        _more = null;
        _backward = null;
        Saved = null;
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
