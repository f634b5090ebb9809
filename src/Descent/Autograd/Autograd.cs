namespace Descent;

/// <summary>
/// Global autograd switches. Recording is on by default and off inside a <see cref="NoGrad"/> scope,
/// per thread, like <c>torch.no_grad()</c>.
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
