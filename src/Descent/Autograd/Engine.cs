using System.Numerics.Tensors;
using Descent.Kernels;

namespace Descent;

/// <summary>
/// Reverse-mode differentiation: walks the graph in reverse topological order with an explicit stack
/// (deep graphs cannot overflow the call stack), visiting parents in insertion order so that the
/// order of accumulation, and hence every bit of the result, is deterministic. Every buffer made while
/// it runs comes from the backward arena (<see cref="BufferPool"/>) and goes back when it ends, except
/// leaf gradients, which are owned by their leaves and reused across steps.
/// </summary>
internal static class Engine
{
    private static long s_epoch;

    // Reused per thread: a steady training step should not pay for the sort's collections.
    [ThreadStatic] private static List<Tensor>? t_order;
    [ThreadStatic] private static Tensor[]? t_stack;
    [ThreadStatic] private static int[]? t_next;

    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: this tensor does not require grad and has no grad_fn; " +
                "set RequiresGrad on its inputs before computing it.");
        if (gradient == null)
        {
            if (root.Numel != 1)
                throw new InvalidOperationException($"Backward: a gradient can be created implicitly only for a scalar output; got shape {Shape.Format(root.ShapeRef)}. Pass Backward(gradient) with that shape.");
        }
        else if (!Shape.Equal(gradient.ShapeRef, root.ShapeRef))
        {
            throw new ArgumentException($"Backward: gradient shape must match the output's; got {Shape.Format(gradient.ShapeRef)} and {Shape.Format(root.ShapeRef)}");
        }

        if (root.GradFn == null)
        {
            if (gradient != null) AccumulateLeaf(root, gradient.Data);
            else AccumulateLeaf(root, [1f]);
            return;
        }

        // A nested Backward (from a closure) must not reuse the outer one's buffers.
        var order = t_order is { Count: 0 } reused ? reused : new List<Tensor>();
        t_order = null;
        BufferPool.EnterArena();
        try
        {
            TopologicalOrder(root, order);
            var seed = gradient ?? One(root.ShapeRef);
            root.GradFn.PendingGrad = seed;
            using var _ = Autograd.NoGrad();
            var sink = new Sink();
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var node = order[n].GradFn!;
                var grad = node.PendingGrad;
                node.PendingGrad = null;
                if (grad == null) continue;
                node.Propagate(grad, ref sink);
                if (!retainGraph) node.Release();
            }
        }
        finally
        {
            foreach (var t in order) t.GradFn!.PendingGrad = null;
            order.Clear();
            t_order = order;
            BufferPool.ExitArena();
        }
    }

    // The implicit seed of a 0-d loss, one per thread: closures must not write into the gradient they get and
    // nothing made in a backward outlives it, so a step need not make a tensor for the constant 1.
    [ThreadStatic] private static Tensor? t_one;

    /// <summary>The gradient 1 of a one-element output: this thread's constant for a 0-d one, else a new tensor.</summary>
    private static Tensor One(int[] shape)
    {
        var one = shape.Length == 0 ? t_one ??= new Tensor(new float[1], 0, []) : new Tensor(shape);
        // Set on every use, so a closure that broke the rule and wrote into it cannot change the next pass.
        one.Storage[0] = 1f;
        return one;
    }

    private struct Sink : Node.IGradientSink
    {
        public readonly void Deliver(Tensor input, Tensor? g)
        {
            if (g == null || !input.RequiresGrad) return;
            var fn = input.GradFn;
            if (fn == null)
            {
                AccumulateLeaf(input, g.ShapeRef, g.Data);
                return;
            }
            g = SumTo(g, input.ShapeRef);
            fn.PendingGrad = fn.PendingGrad == null ? g : fn.PendingGrad + g;
        }
    }

    private static void TopologicalOrder(Tensor root, List<Tensor> order)
    {
        long epoch = Interlocked.Increment(ref s_epoch);
        var stack = t_stack ??= new Tensor[64];
        var next = t_next ??= new int[64];
        t_stack = null;
        t_next = null;
        int top = 0;
        root.GradFn!.VisitEpoch = epoch;
        stack[top] = root;
        next[top++] = 0;
        try
        {
            while (top > 0)
            {
                var t = stack[top - 1];
                var node = t.GradFn!;
                int i = next[top - 1];
                if (i < node.InputCount)
                {
                    next[top - 1] = i + 1;
                    var child = node.Input(i);
                    var fn = child.GradFn;
                    if (fn != null && child.RequiresGrad && fn.VisitEpoch != epoch)
                    {
                        fn.VisitEpoch = epoch;
                        if (top == stack.Length)
                        {
                            Array.Resize(ref stack, top * 2);
                            Array.Resize(ref next, top * 2);
                        }
                        stack[top] = child;
                        next[top++] = 0;
                    }
                }
                else
                {
                    order.Add(t);
                    stack[--top] = null!;
                }
            }
        }
        finally
        {
            Array.Clear(stack, 0, top);
            t_stack = stack;
            t_next = next;
        }
    }

    /// <summary>Adds a gradient (already reduced to the leaf's element count) into the leaf's own buffer.</summary>
    private static void AccumulateLeaf(Tensor leaf, ReadOnlySpan<float> g)
    {
        var grad = LeafGrad(leaf, out bool overwrite)!;
        if (overwrite) g.CopyTo(grad.DataSpan);
        else TensorPrimitives.Add(grad.Data, g, grad.DataSpan);
    }

    /// <summary>
    /// During a backward pass, the buffer that gradients of <paramref name="t"/> accumulate into when
    /// it is a leaf (a parameter), or null for any other tensor. With <paramref name="overwrite"/> the
    /// gradient is logically zero (after ZeroGrad, or newly made) and the caller must write every
    /// element; otherwise it adds. An op whose gradient for the leaf is a matrix product writes or adds
    /// the product straight into this buffer (through <see cref="WriteGradient"/>, handing the engine null)
    /// instead of a temporary for the engine to add, saving a pass over a weight-sized buffer; the bits are
    /// the engine's, except that a written −0 stays −0 where 0 + (−0) gave +0.
    /// </summary>
    private static Tensor? LeafGrad(Tensor t, out bool overwrite)
    {
        overwrite = false;
        if (t.GradFn != null || !t.RequiresGrad) return null;
        var grad = t.TakeGradForWriting(out overwrite);
        if (grad != null && Shape.Equal(grad.ShapeRef, t.ShapeRef)) return grad;
        // Owned by the leaf and reused across steps, so never from the arena.
        overwrite = true;
        return t.Grad = BufferPool.LeafGradient(t.Shape, t.Numel);
    }

    /// <summary>Writes a whole gradient into <paramref name="destination"/>, or adds it there when <paramref name="accumulate"/> is set.</summary>
    internal delegate void GradientWriter<TState>(TState state, Span<float> destination, bool accumulate);

    /// <summary>
    /// The gradient of <paramref name="input"/> for an op whose kernel can write or add it in place (a
    /// matrix product): into the leaf's own buffer through <see cref="LeafGrad"/>, handing the engine null,
    /// or, for any other tensor, into a new one that is returned. Pass a <c>static</c> lambda and its
    /// operands as <paramref name="state"/> (a value tuple) so that nothing is allocated per step.
    /// </summary>
    internal static Tensor? WriteGradient<TState>(Tensor input, TState state, GradientWriter<TState> write)
    {
        var own = LeafGrad(input, out bool overwrite);
        if (own != null)
        {
            write(state, own.DataSpan, accumulate: !overwrite);
            return null;
        }
        var grad = Tensor.Uninitialized(input.ShapeRef);
        write(state, grad.DataSpan, accumulate: false);
        return grad;
    }

    /// <summary>
    /// Un-broadcasts <paramref name="g"/> to the leaf's shape and accumulates it: reduced straight into the leaf's
    /// buffer when that is logically zero, else into pooled scratch that is then added, so a bias's gradient
    /// costs no tensor per step. The bits are those of reducing into a new tensor and copying or adding it.
    /// </summary>
    private static void AccumulateLeaf(Tensor leaf, int[] gradShape, ReadOnlySpan<float> g)
    {
        var shape = leaf.ShapeRef;
        if (Shape.Equal(gradShape, shape))
        {
            AccumulateLeaf(leaf, g);
            return;
        }
        CheckReducible(gradShape, shape);
        var grad = LeafGrad(leaf, out bool overwrite)!;
        if (overwrite)
        {
            SumInto(gradShape, g, shape, grad.DataSpan);
            return;
        }
        var sum = BufferPool.RentScratch(grad.Numel);
        try
        {
            SumInto(gradShape, g, shape, sum.AsSpan(0, grad.Numel));
            TensorPrimitives.Add(grad.Data, sum.AsSpan(0, grad.Numel), grad.DataSpan);
        }
        finally
        {
            BufferPool.Return(sum);
        }
    }

    /// <summary>Sums a gradient over the dimensions that broadcasting expanded, giving it <paramref name="shape"/>.</summary>
    internal static Tensor SumTo(Tensor g, int[] shape) => Shape.Equal(g.ShapeRef, shape) ? g : SumTo(g.ShapeRef, g.Data, shape);

    /// <summary>
    /// The reduction of <see cref="SumTo(Tensor, int[])"/> on raw data, done as <c>Sum(dims, keepDim: true)</c>
    /// does it (one dimension at a time, innermost first, each through <see cref="ReduceKernel"/>), so the
    /// bits match, but without the intermediate tensors, the Reshape or the dims list.
    /// </summary>
    internal static Tensor SumTo(int[] gs, ReadOnlySpan<float> data, int[] shape)
    {
        CheckReducible(gs, shape);
        var result = new Tensor(shape);
        SumInto(gs, data, shape, result.DataSpan);
        return result;
    }

    private static void CheckReducible(int[] gs, int[] shape)
    {
        if (gs.Length < shape.Length)
            throw new InvalidOperationException($"Backward: gradient of shape {Shape.Format(gs)} cannot be reduced to input shape {Shape.Format(shape)}");
    }

    /// <summary>
    /// <see cref="SumTo(int[], ReadOnlySpan{float}, int[])"/> into <paramref name="destination"/> (the shape's
    /// element count), every element of which it writes.
    /// </summary>
    private static void SumInto(int[] gs, ReadOnlySpan<float> data, int[] shape, Span<float> destination)
    {
        int lead = gs.Length - shape.Length;
        Span<int> current = gs.Length <= 16 ? stackalloc int[gs.Length] : new int[gs.Length];
        gs.CopyTo(current);
        int remaining = 0;
        for (int i = 0; i < gs.Length; i++)
            if (IsReduced(gs, shape, lead, i)) remaining++;
        if (remaining == 0)
        {
            // Nothing was broadcast: only a same-size reshape can be meant.
            if (data.Length != destination.Length)
                throw new InvalidOperationException($"Backward: gradient of shape {Shape.Format(gs)} cannot be reduced to input shape {Shape.Format(shape)}");
            data.CopyTo(destination);
            return;
        }
        ReadOnlySpan<float> source = data;
        for (int d = gs.Length - 1; d >= 0; d--)
        {
            if (!IsReduced(gs, shape, lead, d)) continue;
            int outer = 1, inner = 1;
            for (int i = 0; i < d; i++) outer *= current[i];
            for (int i = d + 1; i < current.Length; i++) inner *= current[i];
            var target = --remaining == 0 ? destination : BufferPool.ForTensor(outer * inner);
            // A sum over an empty dimension is zero; the kernel is not called for it.
            if (current[d] != 0) ReduceKernel.Run<SumReduce>(source.Slice(0, outer * current[d] * inner), outer, current[d], inner, target);
            else target.Slice(0, outer * inner).Clear();
            source = target;
            current[d] = 1;
        }
    }

    private static bool IsReduced(int[] gs, int[] shape, int lead, int i) => i < lead || (shape[i - lead] == 1 && gs[i] != 1);
}
