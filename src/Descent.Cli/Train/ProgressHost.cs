using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>
/// Where training progress goes: a live Spectre.Console bar on an interactive terminal, else (output
/// redirected, TERM=dumb, CI set, or output not the console) one plain line per epoch.
/// </summary>
public abstract class ProgressHost
{
    /// <summary>Runs <paramref name="body"/> with a reporter that lives as long as the call.</summary>
    public abstract T Run<T>(Func<IProgressReporter, T> body);

    /// <summary>Picks the live bar only where it can work: <paramref name="output"/> is the console and the console is an interactive terminal.</summary>
    public static ProgressHost For(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
            && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb"
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        return interactive ? new LiveProgressHost() : new PlainProgressHost(output);
    }

    private sealed class PlainProgressHost(TextWriter output) : ProgressHost
    {
        public override T Run<T>(Func<IProgressReporter, T> body) => body(new PlainProgress(output));
    }
}
