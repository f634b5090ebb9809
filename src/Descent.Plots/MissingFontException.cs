namespace Descent.Plots;

/// <summary>
/// No usable sans-serif font is installed, so figures would be drawn with blank text. The message names the
/// families looked for, those found, and how to install one.
/// </summary>
public sealed class MissingFontException(IReadOnlyList<string> lookedFor, IReadOnlyList<string> found)
    : InvalidOperationException(
        "Descent.Plots: no sans-serif font is installed, so figure text would be blank. " +
        $"Looked for {string.Join(", ", lookedFor)} or any family named '... Sans'; " +
        $"found {(found.Count == 0 ? "no font families at all" : string.Join(", ", found))}. " +
        "Install one, e.g. 'apt-get install fonts-dejavu-core' on Debian/Ubuntu (or fonts-liberation, fonts-noto-core), then run again.")
{
    /// <summary>The families that were looked for, in order of preference.</summary>
    public IReadOnlyList<string> LookedFor { get; } = lookedFor;

    /// <summary>The families that were available.</summary>
    public IReadOnlyList<string> Found { get; } = found;
}
