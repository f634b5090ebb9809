using System.CommandLine;

namespace Descent.Cli.Commands;

/// <summary>Flags that parse one by one but do not fit together (e.g. <c>--model cnn</c> on tabular data): exit 2, one line.</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>Runs a command's body under the tool's error rules: usage errors exit 2, failures 1, one line each.</summary>
public static class CommandGuard
{
    /// <summary>Runs <paramref name="body"/> with the invocation's output; see <see cref="CliErrors"/>.</summary>
    public static int Run(ParseResult parse, Option<bool> verbose, Func<TextWriter, int> body)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        string path = CliErrors.CommandPath(parse.CommandResult);
        var error = parse.InvocationConfiguration.Error;
        var output = parse.InvocationConfiguration.Output;
        return CliErrors.Guard(path, parse.GetValue(verbose), error, () =>
        {
            try
            {
                return body(output);
            }
            catch (CliUsageException e)
            {
                error.WriteLine($"{path}: {e.Message} (see --help)");
                return CliErrors.UsageError;
            }
        });
    }
}
