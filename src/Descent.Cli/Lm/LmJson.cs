using System.Text.Json;
using Descent.Training;

namespace Descent.Cli.Lm;

/// <summary>The JSON shapes `descent lm train --json` and `descent demo gpt --json` share, so the two stay one format.</summary>
internal static class LmJson
{
    /// <summary>One evaluation as <c>{"iteration", "train_loss", "val_loss", "lr"}</c>.</summary>
    public static void Evaluation(Utf8JsonWriter w, LmEvaluation e)
    {
        w.WriteStartObject();
        w.WriteNumber("iteration", e.Step);
        w.WriteNumber("train_loss", e.TrainLoss);
        w.WriteNumber("val_loss", e.ValidLoss);
        w.WriteNumber("lr", e.Lr);
        w.WriteEndObject();
    }
}
