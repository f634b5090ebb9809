using System.Text.Json;
using Descent.Cli.Report;

namespace Descent.Cli.Demo;

public static partial class DemoJsonWriter
{
    private static void WriteReport(Utf8JsonWriter w, ReportResult report)
    {
        w.WriteStartObject("report");
        w.WriteString("folder", report.Folder);
        w.WriteString("index", report.Index);
        w.WriteStartArray("files");
        foreach (var file in report.Files) w.WriteStringValue(file);
        w.WriteEndArray();
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
