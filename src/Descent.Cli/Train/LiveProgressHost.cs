using System.Globalization;
using Descent.Training;
using Spectre.Console;

namespace Descent.Cli.Train;

/// <summary>A Spectre.Console progress bar over all batches of the fit; epoch lines and messages print above it.</summary>
public sealed class LiveProgressHost : ProgressHost
{
    /// <inheritdoc/>
    public override T Run<T>(Func<IProgressReporter, T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => result = body(new Reporter(context)));
        return result;
    }

    private sealed class Reporter(ProgressContext context) : IProgressReporter
    {
        private ProgressTask? _task;

        public void OnFitBegin(FitInfo info)
        {
            int epochs = Math.Max(0, info.Epochs - info.FirstEpoch + 1);
            _task = context.AddTask("training", maxValue: Math.Max(1, (double)epochs * info.BatchesPerEpoch));
        }

        public void OnBatch(BatchResult batch)
        {
            if (_task == null) return;
            _task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {batch.Epoch} batch {batch.Batch}/{batch.Batches} loss {batch.Loss:F4}");
            _task.Increment(1);
        }

        public void OnEpochEnd(EpochRecord record, int epochs) =>
            AnsiConsole.MarkupLine(Markup.Escape(PlainProgress.Format(record, epochs)));

        public void OnMessage(string message) => AnsiConsole.MarkupLine(Markup.Escape(message));
    }
}
