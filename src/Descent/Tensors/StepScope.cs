namespace Descent;

/// <summary>
/// Recycles the buffers of the tensors made during one training step, so a steady step stops asking the
/// GC for new arrays (large ones would land on the large-object heap, to be zeroed and collected by full
/// collections). <c>Learner.Fit</c> and <c>LmTrainer.Step</c> open one per step; a loop of your own may open
/// the same with <c>using</c>. It is optional: without it everything works the same, only with more garbage.
/// </summary>
/// <remarks>
/// Safe by construction: a buffer is reused only after the garbage collector has found that no tensor over
/// it (the tensor, or any view of it: Reshape, View, Detach, an indexed row) is reachable. A tensor that
/// escapes the step (returned, stored, kept by a callback or a metric) keeps its values for as long as it
/// is reachable. Parameters, their gradients, optimizer state and tensors made before the scope opened are
/// never touched. The one thing the GC cannot see is a span: read <see cref="Tensor.Data"/> or
/// <see cref="Tensor.DataSpan"/> while you still hold the tensor, not after letting it go and a scope ending.
/// Scopes nest (the outermost recycles) and belong to the thread that opened them; end them on that thread,
/// innermost first. Values are bit-identical with and without a scope. A <c>DataLoader</c> makes each batch in a
/// scope of its own, so a batch drawn before the step's scope opens (as in the example) is pooled too.
/// </remarks>
/// <example><code>
/// foreach (var (x, y) in loader)
/// {
///     using var step = new StepScope();
///     var loss = Losses.CrossEntropy(model.Forward(x), y);
///     loss.Backward();
///     optimizer.Step();
///     optimizer.ZeroGrad();
/// }
/// </code></example>
public struct StepScope : IDisposable
{
    private int _depth;

    /// <summary>Opens a scope on this thread; dispose it (with <c>using</c>) at the end of the step.</summary>
    public StepScope()
    {
        _depth = StepArena.Enter();
    }

    /// <summary>Ends the scope; the outermost end hands back the buffers no reachable tensor uses.</summary>
    public void Dispose()
    {
        // A default-constructed scope, or a second Dispose of the same one, has nothing to end.
        if (_depth == 0) return;
        // Ended only once Exit accepts it: a scope ended out of order stays open, to be ended in order.
        StepArena.Exit(_depth);
        _depth = 0;
    }
}
