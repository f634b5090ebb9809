using System.Text.Json;
using Descent.Cli.Report;

namespace Descent.Cli.Demo;

public static partial class DemoJsonWriter
{
    /// <summary>The <c>folder</c>, <c>index</c> and <c>files</c> of a report object, as every demo chapter writes them.</summary>
    internal static void ReportFiles(Utf8JsonWriter w, string folder, string index, IReadOnlyList<string> files)
    {
        w.WriteString("folder", folder);
        w.WriteString("index", index);
        w.WriteStartArray("files");
        foreach (var file in files) w.WriteStringValue(file);
        w.WriteEndArray();
    }

    private static void WriteReport(Utf8JsonWriter w, ReportResult report)
    {
        w.WriteStartObject("report");
        ReportFiles(w, report.Folder, report.Index, report.Files);
        if (report.Conv is { } c)
        {
            w.WriteStartObject("conv");
            w.WriteString("layers", c.Layers);
            w.WriteNumber("train_digits", c.Settings.TrainCount);
            w.WriteNumber("test_digits", c.Settings.TestCount);
            w.WriteNumber("steps", c.Losses.Count);
            Number(w, "first_loss", c.Losses[0]);
            Number(w, "last_loss", c.Losses[^1]);
            Number(w, "test_accuracy", c.TestAccuracy);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("conv_skipped", report.ConvSkipped);
        }
        w.WriteEndObject();
    }
}
