using System.Text.Json;
using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary>Runs the descent tool in-process with captured streams.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        /// <summary>The last stdout line parsed as JSON, as scripts read it.</summary>
        public JsonElement Json()
        {
            var lines = Stdout.TrimEnd().Split('\n');
            using var doc = JsonDocument.Parse(lines[^1]);
            return doc.RootElement.Clone();
        }
    }

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = Program.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
