namespace Descent.Nn;

/// <summary>
/// Thrown by <see cref="Module.LoadStateDict"/> when a state does not fit the module, before anything is
/// written: it holds every missing key (in the module's order), every unexpected key (in the state's order)
/// and every key whose shape differs, with both shapes, so a caller loading a PyTorch checkpoint sees all
/// that differs at once rather than one key per try. An <see cref="ArgumentException"/>, as before it had a type.
/// </summary>
/// <example><code>
/// try { model.LoadStateDict(tensors); }
/// catch (StateDictMismatchException e) { foreach (var m in e.ShapeMismatches) Console.WriteLine(m); }
/// </code></example>
public sealed class StateDictMismatchException : ArgumentException
{
    /// <summary>Builds the report and its message, naming the module type.</summary>
    public StateDictMismatchException(string module, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<StateDictShapeMismatch> shapeMismatches)
        : base(Describe(module, missingKeys, unexpectedKeys, shapeMismatches))
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>The module's keys that the state lacks (reported under strict loading).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>The state's keys that the module does not have (reported under strict loading).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Keys present on both sides with different shapes (always an error, as in PyTorch).</summary>
    public IReadOnlyList<StateDictShapeMismatch> ShapeMismatches { get; }

    private static string Describe(string module, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<StateDictShapeMismatch> misshaped)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add("missing keys: " + string.Join(", ", missing));
        if (unexpected.Count > 0) parts.Add("unexpected keys: " + string.Join(", ", unexpected));
        if (misshaped.Count > 0) parts.Add("shape mismatches: " + string.Join("; ", misshaped));
        return $"LoadStateDict: the state does not fit {module}; " + string.Join("; ", parts);
    }
}

/// <summary>One key whose shape in the state differs from the module's.</summary>
/// <param name="Key">The state-dict name.</param>
/// <param name="Expected">The module's shape.</param>
/// <param name="Got">The state's shape.</param>
public sealed record StateDictShapeMismatch(string Key, int[] Expected, int[] Got)
{
    /// <summary>As the error message writes it: <c>key: expected [a, b], got [c, d]</c>.</summary>
    public override string ToString() => $"{Key}: expected {Shape.Format(Expected)}, got {Shape.Format(Got)}";
}
