using Descent.Cli.Demo;
using Descent.IO;
using Descent.Tutorial;

namespace Descent.Cli.Report;

/// <summary>What <see cref="DemoReport.Write"/> wrote.</summary>
/// <param name="Folder">The output folder, as a full path.</param>
/// <param name="Index">The page's full path.</param>
/// <param name="Files">Every file written, as full paths, in the order written (the page last).</param>
/// <param name="Figures">The figures drawn, in page order.</param>
/// <param name="Conv">The conv network's result, or null when its section was skipped.</param>
/// <param name="ConvSkipped">Why the conv section was skipped, or null.</param>
public sealed record ReportResult(string Folder, string Index, IReadOnlyList<string> Files, IReadOnlyList<ReportFigure> Figures,
    ConvResult? Conv, string? ConvSkipped);

/// <summary>
/// <c>descent demo</c>'s pictures: every figure of the story as PNG and SVG in one folder, plus an index.html
/// that tells the story with them (<see cref="ReportPage"/>).
/// </summary>
/// <example><code>
/// var first = LinearRegressionStory.Run(new LineSettings());
/// var second = SecondHalf.Run(new NetworkSettings());
/// var report = DemoReport.Write(first, second, "descent-out", DigitsLocator.Find());
/// Console.WriteLine(report.Index);
/// </code></example>
public static class DemoReport
{
    /// <summary>The default output folder, relative to the current one.</summary>
    public const string DefaultFolder = "descent-out";

    /// <summary>The page's file name.</summary>
    public const string IndexFile = "index.html";

    /// <summary>
    /// Creates <paramref name="folder"/> if needed; throws <see cref="IOException"/> with a one-line reason when it
    /// cannot be used (a file of that name, no permission, an invalid path). Call before the long work starts.
    /// </summary>
    public static string Prepare(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (string.IsNullOrWhiteSpace(folder)) throw new IOException("--out: the folder name is empty");
        string full;
        try
        {
            full = Path.GetFullPath(folder);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new IOException($"--out: '{folder}' is not a valid path: {e.Message}", e);
        }
        if (File.Exists(full)) throw new IOException($"--out: '{folder}' is a file, not a folder");
        try
        {
            Directory.CreateDirectory(full);
            // Writing needs permission that creating (or finding) the folder does not prove.
            string probe = Path.Combine(full, $".descent-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--out: cannot write to '{folder}': {e.Message}", e);
        }
        return full;
    }

    /// <summary>
    /// Draws every figure of <paramref name="first"/> and <paramref name="second"/> (and of the conv network,
    /// trained on the digits in <paramref name="digitsTarball"/> when it is given) into <paramref name="folder"/>,
    /// then writes the page.
    /// </summary>
    public static ReportResult Write(LineResult first, SecondHalfResult second, string folder, string? digitsTarball,
        ConvSettings? convSettings = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        string full = Prepare(folder);
        var conv = digitsTarball == null ? null : ConvStory.Run(digitsTarball, convSettings ?? new ConvSettings(Seed: first.Settings.Seed));
        string? skipped = conv == null ? DigitsLocator.MissingMessage() : null;

        var figures = new List<ReportFigure>();
        figures.AddRange(DemoFigures.FirstHalf(first, LinePaths.Of(first)));
        figures.AddRange(DemoFigures.SecondHalf(second, SinFits.Of(second.Settings)));
        if (conv != null) figures.AddRange(DemoFigures.Conv(conv));

        var files = FigureMarkup.Save(figures, full);
        string index = Path.Combine(full, IndexFile);
        var html = System.Text.Encoding.UTF8.GetBytes(ReportPage.Build(first, second, conv, skipped, figures));
        AtomicFile.Write(index, stream => stream.Write(html));
        files.Add(index);
        return new ReportResult(full, index, files, figures, conv, skipped);
    }
}
