namespace Descent.Tests.Interop;

/// <summary>
/// A theory that needs PyTorch: skipped (and counted as skipped, with the reason) where <c>/usr/bin/python3</c>
/// cannot import torch, except in CI, where it runs and fails instead (<see cref="TorchPython"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TorchTheoryAttribute : TheoryAttribute
{
    public TorchTheoryAttribute()
    {
        if (TorchPython.SkipReason is { } reason) Skip = reason;
    }
}
