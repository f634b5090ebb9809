using SkiaSharp;

namespace Descent.Plots;

/// <summary>
/// Picks the sans-serif font every figure is drawn with. ScottPlot's own default resolves to a serif face on
/// Linux, and with no font installed at all Skia silently draws blank text, so the choice is made here, from
/// the families Skia's font manager actually reports, and a machine without any sans family gets an error
/// that says what to install instead of figures without words.
/// </summary>
/// <example><code>
/// string family = PlotFont.Family;                       // "DejaVu Sans" on Debian with fonts-dejavu-core
/// string chosen = PlotFont.Choose(["Liberation Sans"]);  // the pure decision, for any list of families
/// </code></example>
public static class PlotFont
{
    /// <summary>The families tried first, in order; any other sans family is accepted after them.</summary>
    public static IReadOnlyList<string> Preferred { get; } =
        ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Roboto", "Arial", "Helvetica", "FreeSans", "Ubuntu"];

    private static readonly Lazy<string> Chosen = new(ChooseInstalled, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The sans family installed here; throws <see cref="MissingFontException"/> when there is none.</summary>
    public static string Family => Chosen.Value;

    /// <summary>The font families Skia's font manager reports on this machine.</summary>
    public static IReadOnlyList<string> InstalledFamilies() => SKFontManager.Default.GetFontFamilies();

    /// <summary>
    /// Chooses a sans-serif family from <paramref name="available"/>: the first of <see cref="Preferred"/>
    /// present (case-insensitive), else the first family whose name says "Sans" and is neither monospaced nor
    /// serif. Throws <see cref="MissingFontException"/> listing what was looked for when nothing fits.
    /// </summary>
    public static string Choose(IEnumerable<string> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        var families = available.Where(f => !string.IsNullOrWhiteSpace(f)).ToList();
        foreach (var preferred in Preferred)
        {
            var hit = families.FirstOrDefault(f => string.Equals(f, preferred, StringComparison.OrdinalIgnoreCase));
            if (hit is not null) return hit;
        }
        var anySans = families.FirstOrDefault(IsPlainSans);
        return anySans ?? throw new MissingFontException(Preferred, families);
    }

    private static bool IsPlainSans(string family) =>
        family.Contains("Sans", StringComparison.OrdinalIgnoreCase)
        && !family.Contains("Mono", StringComparison.OrdinalIgnoreCase)
        && !family.Contains("Serif", StringComparison.OrdinalIgnoreCase);

    private static string ChooseInstalled()
    {
        var family = Choose(InstalledFamilies());
        // ScottPlot reads Fonts.Default when plottables (text, labels) are created, so it must be set
        // before any figure is built, not only on each finished plot.
        ScottPlot.Fonts.Default = family;
        return family;
    }
}
