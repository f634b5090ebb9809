namespace Descent;

/// <summary>Records ops into the autograd graph; ops call this right after computing their result.</summary>
/// <remarks>
/// An op records itself in one shape: <see cref="Record"/> takes the result, a name, the inputs and a closure
/// from the output's gradient to the inputs' gradients that captures what it needs. It is the same call users
/// make through <see cref="Autograd.Record"/>, minus the argument checks, and every new op starts with it.
/// <para>
/// The <c>RecordNoArrays</c> overloads are the fast path for hot one-, two- and three-input ops (elementwise
/// arithmetic, activations, products, pooling, shape ops: what a training step runs many times). They keep
/// the inputs in the node's fields and return the gradients directly, saving the inputs array and the
/// gradients array of the general shape, and they hand the closure the node, so a <c>static</c> closure can
/// read <see cref="Node.A"/>, <see cref="Node.B"/>, <see cref="Node.Saved"/> and <see cref="Node.Scalar"/>
/// instead of capturing them, saving the closure object and its delegate too. Move an op to them only when it
/// runs in a training step; the closure's meaning is the same.
/// </para>
/// </remarks>
internal static class Graph
{
    public static bool Needs(Tensor a) => a.RequiresGrad && Autograd.IsEnabled;

    public static bool Needs(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && Autograd.IsEnabled;

    /// <summary>
    /// Records an op: <paramref name="backward"/> maps the output's gradient to one gradient per input, in
    /// input order (null for an input that needs none). The node keeps <paramref name="inputs"/> itself.
    /// </summary>
    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!Autograd.IsEnabled) return result;
        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                Attach(result, new Node(name, inputs, backward));
                break;
            }
        }
        return result;
    }

    /// <summary>
    /// <see cref="Record"/> for a hot one-input op, without its arrays; the closure gets the node, whose
    /// <see cref="Node.A"/> is the input and which carries <paramref name="saved"/> and <paramref name="scalar"/>.
    /// </summary>
    public static Tensor RecordNoArrays(Tensor result, string name, Tensor input, Func<Node, Tensor, Tensor?> backward, Tensor? saved = null, float scalar = 0f)
    {
        if (Needs(input)) Attach(result, new Node(name, input, backward) { Saved = saved, Scalar = scalar });
        return result;
    }

    /// <summary>
    /// <see cref="Record"/> for a hot two-input op, without its arrays; the closure gets the node, whose
    /// <see cref="Node.A"/> and <see cref="Node.B"/> are the inputs and which carries <paramref name="saved"/> and <paramref name="scalar"/>.
    /// </summary>
    public static Tensor RecordNoArrays(Tensor result, string name, Tensor a, Tensor b, Func<Node, Tensor, (Tensor?, Tensor?)> backward, Tensor? saved = null, float scalar = 0f)
    {
        if (Needs(a, b)) Attach(result, new Node(name, a, b, backward) { Saved = saved, Scalar = scalar });
        return result;
    }

    /// <summary>
    /// <see cref="Record"/> for a hot three-input op (an affine map with its bias), without its arrays; the
    /// closure gets the node, whose <see cref="Node.A"/>, <see cref="Node.B"/> and <see cref="Node.C"/> are the inputs
    /// and which carries <paramref name="saved"/> and <paramref name="scalar"/>.
    /// </summary>
    public static Tensor RecordNoArrays(Tensor result, string name, Tensor a, Tensor b, Tensor c, Func<Node, Tensor, (Tensor?, Tensor?, Tensor?)> backward, Tensor? saved = null, float scalar = 0f)
    {
        if ((a.RequiresGrad || b.RequiresGrad || c.RequiresGrad) && Autograd.IsEnabled) Attach(result, new Node(name, a, b, c, backward) { Saved = saved, Scalar = scalar });
        return result;
    }

    private static void Attach(Tensor result, Node node)
    {
        result.GradFn = node;
        result.RequiresGrad = true;
    }
}
