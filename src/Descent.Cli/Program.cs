using System.CommandLine;
using Descent.Cli.Commands;

namespace Descent.Cli;

/// <summary>The <c>descent</c> command-line tool.</summary>
public static class Program
{
    /// <summary>The tool's name, as users type it.</summary>
    public const string ToolName = "descent";

    /// <summary>Runs the tool on the console.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the tool with the given streams; returns the exit code (0 success, 1 failure, 2 bad command line).
    /// </summary>
    /// <example><code>int code = Program.Run(["demo", "--seed", "0", "--json"], Console.Out, Console.Error);</code></example>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verbose = new Option<bool>("--verbose") { Description = "Show stack traces of failures.", Recursive = true };
        var root = new RootCommand("Descent: deep learning in minutes, in C#.") {
            verbose, DemoCommand.Create(verbose), LrFindCommand.Create(verbose), TrainCommand.Create(verbose), EvalCommand.Create(verbose),
            PredictCommand.Create(verbose), ExportCommand.Create(verbose), PlotScheduleCommand.Create(verbose), LmCommand.Create(verbose),
        };
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        // Check errors before any action reads a value; help and version clear them and run as usual.
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
            return CliErrors.ReportParseErrors(parse, error);
        return parse.Invoke(config);
    }
}
