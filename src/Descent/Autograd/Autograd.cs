namespace Descent;

/// <summary>
/// Global autograd switches, and <see cref="Record"/> for ops of your own. Recording is on by default and
/// off inside a <see cref="NoGrad"/> scope, per thread, like <c>torch.no_grad()</c>.
/// </summary>
/// <example><code>
/// using (Autograd.NoGrad())
/// {
///     a.SubInPlace(a.Grad! * lr);   // the update is not recorded
/// }
/// </code></example>
public static class Autograd
{
    [ThreadStatic] private static int t_disabledDepth;

    /// <summary>Whether ops on this thread currently record the graph.</summary>
    public static bool IsEnabled => t_disabledDepth == 0;

    /// <summary>Turns recording off until the returned scope is disposed; scopes nest.</summary>
    public static NoGradScope NoGrad()
    {
        t_disabledDepth++;
        return new NoGradScope();
    }

    /// <summary>
    /// Makes <paramref name="result"/> the output of a differentiable op of your own, as a
    /// <c>torch.autograd.Function</c> does: when a later <c>Backward()</c> reaches it, <paramref name="backward"/>
    /// gets the gradient with respect to <paramref name="result"/> and returns one gradient per input, in input
    /// order (null for an input that needs none). Every op in Descent records itself in this shape.
    /// </summary>
    /// <remarks>
    /// Compute <paramref name="result"/> without recording (under <see cref="NoGrad"/>, or from raw data),
    /// then pass it here: it comes back marked as requiring grad when recording is on and some input requires
    /// grad, untouched otherwise. The closure captures what it needs (inputs, the result, intermediates). It
    /// runs with recording off, must not write into the gradient it receives (other nodes may hold the same
    /// tensor) nor keep it, or any tensor it makes, past the call (Backward recycles them, objects and buffers,
    /// when it ends; copy values you want with <c>ToArray</c>), and returns each gradient shaped like its input,
    /// or like the result where that input was broadcast: the engine sums broadcast dimensions down to the
    /// input's shape and accumulates into leaves.
    /// The graph keeps <paramref name="inputs"/> itself: do not change the array afterwards.
    /// </remarks>
    /// <param name="result">The op's output, not yet part of any graph.</param>
    /// <param name="name">The op's name, shown by <see cref="Node.Name"/> and in errors.</param>
    /// <param name="inputs">The tensors the result was computed from.</param>
    /// <param name="backward">Maps the result's gradient to the inputs' gradients.</param>
    /// <returns><paramref name="result"/>.</returns>
    /// <example><code>
    /// // y = x³ with its hand-written gradient 3x²·g.
    /// static Tensor Cube(Tensor x)
    /// {
    ///     Tensor y;
    ///     using (Autograd.NoGrad()) y = x * x * x;
    ///     return Autograd.Record(y, "Cube", [x], g => [g * x * x * 3f]);
    /// }
    /// GradCheck.Assert(t => Cube(t[0]), Tensor.Randn([3, 4]).RequireGrad());
    /// </code></example>
    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(backward);
        foreach (var input in inputs)
        {
            if (input is null) throw new ArgumentNullException(nameof(inputs), $"Autograd.Record: {name} has a null input");
            if (ReferenceEquals(input, result)) throw new ArgumentException($"Autograd.Record: {name}'s result cannot be one of its own inputs", nameof(result));
        }
        if (result.GradFn != null || result.RequiresGrad)
            throw new ArgumentException($"Autograd.Record: {name}'s result already requires grad (it has a graph, or is a leaf); " +
                "compute it under Autograd.NoGrad() so that only this op's backward is recorded", nameof(result));
        return Graph.Record(result, name, inputs, backward);
    }

    /// <summary>The scope returned by <see cref="NoGrad"/>; dispose it (with <c>using</c>) to turn recording back on.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Ends the scope.</summary>
        public void Dispose()
        {
            // A stray second Dispose (or a default scope) must not leave recording off for good.
            if (t_disabledDepth > 0) t_disabledDepth--;
        }
    }
}
