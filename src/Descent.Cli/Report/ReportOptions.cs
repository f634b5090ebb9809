using System.CommandLine;
using Descent.Cli.Commands;

namespace Descent.Cli.Report;

/// <summary><c>descent demo</c>'s <c>--out DIR</c> and <c>--no-plots</c>: where the figures and index.html go, or that none are written.</summary>
public sealed class ReportOptions
{
    /// <summary>Creates both options and, through <see cref="AddTo"/>, attaches them to a command.</summary>
    public ReportOptions()
    {
        Out = new Option<string>("--out")
        {
            Description = $"Folder for the figures (PNG and SVG) and {DemoReport.IndexFile}; created if missing.",
            HelpName = "DIR",
            DefaultValueFactory = _ => DemoReport.DefaultFolder,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0) return DemoReport.DefaultFolder;
                string text = result.Tokens[^1].Value;
                if (string.IsNullOrWhiteSpace(text)) result.AddError("--out: the folder name is empty");
                else if (text.IndexOfAny(Path.GetInvalidPathChars()) >= 0) result.AddError($"--out: '{text}' is not a valid path");
                // A bad value like any other: exit 2 at parse time, not 1 once the demo has started.
                else if (File.Exists(text)) result.AddError($"--out: '{text}' is a file, not a folder");
                return text;
            },
        };
        NoPlots = CliOptions.Flag("--no-plots", "Print the story only: write no figures and no report.");
    }

    /// <summary>The output folder.</summary>
    public Option<string> Out { get; }

    /// <summary>Skips the figures and the report.</summary>
    public Option<bool> NoPlots { get; }

    /// <summary>Adds both options to <paramref name="command"/>, and the rule that they exclude each other.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Out);
        command.Options.Add(NoPlots);
        command.Validators.Add(result =>
        {
            if (result.GetValue(NoPlots) && result.GetResult(Out) is { Implicit: false })
                result.AddError("--out and --no-plots cannot be used together");
        });
    }

    /// <summary>
    /// The output folder, created and checked for writing, or null with <c>--no-plots</c>. Throws a one-line
    /// <see cref="IOException"/> for a folder that cannot be used, before any work is done.
    /// </summary>
    public string? PrepareFolder(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(NoPlots) ? null : DemoReport.Prepare(parse.GetValue(Out)!);
    }

    /// <summary>The lines <c>descent demo</c> prints after the story: where the report is, and any section it skipped.</summary>
    public static void WriteSummary(ReportResult report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine();
        output.WriteLine($"Figures and report: {report.Figures.Count} figures as PNG and SVG, and {report.Index}");
        if (report.ConvSkipped != null) output.WriteLine($"   (the conv layer's section was skipped: {report.ConvSkipped})");
    }
}
