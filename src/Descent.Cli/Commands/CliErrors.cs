using System.CommandLine;
using System.CommandLine.Parsing;

namespace Descent.Cli.Commands;

/// <summary>
/// How the tool reports trouble: exactly one line on stderr, prefixed with the command
/// (<c>descent demo: ...</c>). Usage errors exit 2, failures while running exit 1, running out of memory
/// included (<c>descent train: out of memory: a batch of ... needs ...</c>); the stack trace appears only with
/// <c>--verbose</c>.
/// </summary>
public static class CliErrors
{
    /// <summary>The exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>The exit code for a failure while running.</summary>
    public const int Failure = 1;

    /// <summary>Reports the most telling parse error of <paramref name="parse"/> and returns <see cref="UsageError"/>.</summary>
    public static int ReportParseErrors(ParseResult parse, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"{CommandPath(parse.CommandResult)}: {Describe(parse)} (see --help)");
        return UsageError;
    }

    // A bad value names its option, so it comes first; then a stray token, which explains follow-on
    // errors such as a missing command (`descent dmeo`); then whatever the parser said.
    private static string Describe(ParseResult parse)
    {
        foreach (var e in parse.Errors)
        {
            if (e.SymbolResult is OptionResult { Tokens.Count: 0 } missing && missing.Option.Arity.MinimumNumberOfValues > 0)
                return $"{missing.Option.Name}: missing value";
            if (e.SymbolResult is ArgumentResult or OptionResult) return OneLine(e.Message);
        }
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            if (token.StartsWith('-')) return $"unknown option '{token}'";
            return parse.CommandResult.Parent == null ? $"unknown command '{token}'" : $"unexpected argument '{token}'";
        }
        var command = parse.CommandResult.Command;
        if (command.Action == null && command.Subcommands.Count > 0)
            return $"missing command; one of: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        return parse.Errors.Count == 0 ? "invalid command line" : OneLine(parse.Errors[0].Message);
    }

    /// <summary>
    /// Runs <paramref name="body"/>; an exception becomes one line on <paramref name="error"/> (plus the
    /// stack trace when <paramref name="verbose"/>) and exit code <see cref="Failure"/>.
    /// </summary>
    public static int Guard(string commandPath, bool verbose, TextWriter error, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return body();
        }
        catch (OutOfMemoryException e)
        {
            // The failed allocation is gone by now, so there is memory again to say what happened.
            error.WriteLine($"{commandPath}: out of memory: {OutOfMemoryMessage(e)}");
            if (verbose) error.WriteLine(e.ToString());
            return Failure;
        }
        catch (Exception e)
        {
            error.WriteLine($"{commandPath}: {OneLine(e.Message)}");
            if (verbose) error.WriteLine(e.ToString());
            return Failure;
        }
    }

    /// <summary>
    /// What ran out: <see cref="MemoryGuard"/>'s message names the allocation and its size; the runtime's own
    /// "Insufficient memory" names nothing, so the limit and the usual remedies stand in for it.
    /// </summary>
    private static string OutOfMemoryMessage(OutOfMemoryException e) => e is InsufficientMemoryException
        ? OneLine(e.Message)
        : $"an allocation failed with {MemoryGuard.Format(MemoryGuard.AvailableBytes)} available to this process; try a smaller --batch-size, model or data set";

    /// <summary>"descent" for the root, "descent demo" for a subcommand.</summary>
    public static string CommandPath(CommandResult command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var names = new List<string>();
        for (SymbolResult? r = command; r != null; r = r.Parent)
            if (r is CommandResult c && c.Parent != null) names.Add(c.Command.Name);
        names.Add(Program.ToolName);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
