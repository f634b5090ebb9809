namespace Descent;

/// <summary>Records ops into the autograd graph; ops call this right after computing their result.</summary>
internal static class Graph
{
    public static bool Needs(Tensor a) => a.RequiresGrad && Autograd.IsEnabled;

    public static bool Needs(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && Autograd.IsEnabled;

    public static Tensor Record(Tensor result, string name, Tensor input, Func<Tensor, Tensor?> backward)
    {
        if (Needs(input)) Attach(result, new Node(name, input, backward));
        return result;
    }

    public static Tensor Record(Tensor result, string name, Tensor a, Tensor b, Func<Tensor, (Tensor?, Tensor?)> backward)
    {
        if (Needs(a, b)) Attach(result, new Node(name, a, b, backward));
        return result;
    }

    /// <summary>
    /// Records a one-input op whose static closure reads its operands from the node: the input as
    /// <see cref="Node.A"/>, plus <paramref name="saved"/> and <paramref name="scalar"/>.
    /// </summary>
    public static Tensor Record(Tensor result, string name, Tensor input, Func<Node, Tensor, Tensor?> backward, Tensor? saved = null, float scalar = 0f)
    {
        if (Needs(input)) Attach(result, new Node(name, input, backward) { Saved = saved, Scalar = scalar });
        return result;
    }

    /// <summary>Records a two-input op whose static closure reads the inputs from the node (<see cref="Node.A"/>, <see cref="Node.B"/>).</summary>
    public static Tensor Record(Tensor result, string name, Tensor a, Tensor b, Func<Node, Tensor, (Tensor?, Tensor?)> backward, Tensor? saved = null)
    {
        if (Needs(a, b)) Attach(result, new Node(name, a, b, backward) { Saved = saved });
        return result;
    }

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

    private static void Attach(Tensor result, Node node)
    {
        result.GradFn = node;
        result.RequiresGrad = true;
    }
}
