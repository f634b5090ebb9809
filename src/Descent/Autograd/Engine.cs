using System.Numerics.Tensors;

namespace Descent;

/// <summary>
/// Reverse-mode differentiation: walks the graph in reverse topological order with an explicit stack
/// (deep graphs cannot overflow the call stack), visiting parents in insertion order so that the
/// order of accumulation, and hence every bit of the result, is deterministic.
/// </summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: this tensor does not require grad and has no grad_fn; " +
                "set RequiresGrad on its inputs before computing it.");
        Tensor seed;
        if (gradient == null)
        {
            if (root.Numel != 1)
                throw new InvalidOperationException($"Backward: a gradient can be created implicitly only for a scalar output; got shape {Shape.Format(root.ShapeRef)}. Pass Backward(gradient) with that shape.");
            seed = Tensor.Full(root.ShapeRef, 1f);
        }
        else
        {
            if (!Shape.Equal(gradient.ShapeRef, root.ShapeRef))
                throw new ArgumentException($"Backward: gradient shape must match the output's; got {Shape.Format(gradient.ShapeRef)} and {Shape.Format(root.ShapeRef)}");
            seed = gradient;
        }

        if (root.GradFn == null)
        {
            AccumulateLeaf(root, seed);
            return;
        }

        var order = TopologicalOrder(root);
        root.GradFn.PendingGrad = seed;
        using var _ = Autograd.NoGrad();
        try
        {
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var node = order[n].GradFn!;
                var grad = node.PendingGrad;
                node.PendingGrad = null;
                if (grad == null) continue;
                var inputs = node.Inputs;
                var inputGrads = node.Apply(grad);
                for (int i = 0; i < inputs.Length; i++)
                {
                    var input = inputs[i];
                    var g = inputGrads[i];
                    if (g == null || !input.RequiresGrad) continue;
                    g = SumTo(g, input.ShapeRef);
                    if (input.GradFn == null) AccumulateLeaf(input, g);
                    else input.GradFn.PendingGrad = input.GradFn.PendingGrad == null ? g : input.GradFn.PendingGrad + g;
                }
                if (!retainGraph) node.Release();
            }
        }
        finally
        {
            foreach (var t in order) t.GradFn!.PendingGrad = null;
        }
    }

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance) { root.GradFn! };
        var stack = new Stack<(Tensor Tensor, int Next)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.GradFn != null && child.RequiresGrad && visited.Add(child.GradFn))
                    stack.Push((child, 0));
            }
            else
            {
                order.Add(t);
            }
        }
        return order;
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor g)
    {
        if (leaf.Grad == null || !Shape.Equal(leaf.Grad.ShapeRef, leaf.ShapeRef))
        {
            var owned = new Tensor(leaf.Shape);
            g.Data.CopyTo(owned.DataSpan);
            leaf.Grad = owned;
        }
        else
        {
            TensorPrimitives.Add(leaf.Grad.Data, g.Data, leaf.Grad.DataSpan);
        }
    }

    /// <summary>Sums a gradient over the dimensions that broadcasting expanded, giving it <paramref name="shape"/>.</summary>
    internal static Tensor SumTo(Tensor g, int[] shape)
    {
        var gs = g.ShapeRef;
        if (Shape.Equal(gs, shape)) return g;
        int lead = gs.Length - shape.Length;
        if (lead < 0)
            throw new InvalidOperationException($"Backward: gradient of shape {Shape.Format(gs)} cannot be reduced to input shape {Shape.Format(shape)}");
        var dims = new List<int>();
        for (int i = 0; i < gs.Length; i++)
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims.Add(i);
        return g.Sum(dims.ToArray(), keepDim: true).Reshape(shape);
    }
}
