using Descent.Training;

namespace Descent.Tests.Training;

public class HistoryTests
{
    private static EpochRecord Row(int epoch, double? valid = 0.25) => new(epoch, 0.1 + 1.0 / 3 * epoch, valid,
        valid.HasValue ? new Dictionary<string, double> { ["accuracy"] = 0.96125 } : new Dictionary<string, double>(),
        new Dictionary<string, double> { ["accuracy"] = double.NaN }, 1e-3, 2.06);

    [Fact]
    public void Json_RoundTripsBitForBit_IncludingNaNAndNull()
    {
        var h = new History { StopReason = null };
        h.Add(Row(1));
        h.Add(Row(2, null) with { TrainLoss = double.PositiveInfinity, Lr = 0.1 + 0.2 });
        var back = History.FromJson(h.ToJson());
        Assert.True(h.SameValues(back));
        Assert.Equal(2.06, back[0].Seconds);
        Assert.Null(back[1].ValidLoss);
        Assert.True(double.IsNaN(back[0].TrainMetrics["accuracy"]));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("[{\"epoch\": 2, \"train_loss\": 1, \"valid_loss\": null, \"metrics\": {}, \"train_metrics\": {}, \"lr\": 1, \"seconds\": 1}]")]
    [InlineData("[{\"epoch\": 1, \"train_loss\": \"x\", \"valid_loss\": null, \"metrics\": {}, \"train_metrics\": {}, \"lr\": 1, \"seconds\": 1}]")]
    [InlineData("[{\"epoch\": 1, \"train_loss\": 1, \"metrics\": {}, \"train_metrics\": {}, \"lr\": 1, \"seconds\": 1}]")]
    [InlineData("[{\"epoch\": 1, \"train_loss\": 1, \"valid_loss\": null, \"metrics\": [], \"train_metrics\": {}, \"lr\": 1, \"seconds\": 1}]")]
    [InlineData("[")]
    public void FromJson_Malformed_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => History.FromJson(json));
    }

    [Fact]
    public void Add_OutOfSequence_Throws()
    {
        var h = new History();
        Assert.Throws<ArgumentException>(() => h.Add(Row(2)));
    }

    [Fact]
    public void Get_ReadsMonitoredNames()
    {
        var r = Row(1);
        Assert.Equal(r.TrainLoss, r.Get("train_loss"));
        Assert.Equal(0.25, r.Get("valid_loss"));
        Assert.Equal(0.96125, r.Get("accuracy"));
        Assert.True(double.IsNaN(r.Get("train_accuracy")!.Value));
        Assert.Null(r.Get("mae"));
        Assert.Equal(["train_loss", "valid_loss", "accuracy", "train_accuracy"], r.Names());
    }

    [Fact]
    public void PlainProgress_WritesOneLinePerEpochAndMessages()
    {
        var writer = new StringWriter { NewLine = "\n" };
        var progress = new PlainProgress(writer);
        var row = new EpochRecord(3, 0.12344, 0.23449, new Dictionary<string, double> { ["accuracy"] = 0.96123 },
            new Dictionary<string, double> { ["accuracy"] = 0.9 }, 1e-3, 2.08);
        progress.OnFitBegin(new FitInfo(1, 10, 5, true));
        progress.OnBatch(new BatchResult(3, 1, 5, 0.1, 1e-3, 11));
        progress.OnEpochEnd(row, 10);
        progress.OnMessage("early stop");
        Assert.Equal("epoch 3/10  train_loss 0.1234  valid_loss 0.2345  accuracy 0.9612  lr 1.0e-03  2.1s\nearly stop\n", writer.ToString());
    }

    [Fact]
    public void PlainProgress_WithoutValidation_ShowsTrainingMetrics()
    {
        var row = new EpochRecord(1, 0.5, null, new Dictionary<string, double>(), new Dictionary<string, double> { ["mae"] = 0.25 }, 0.1, 0.5);
        Assert.Equal("epoch 1/2  train_loss 0.5000  train_mae 0.2500  lr 1.0e-01  0.5s", PlainProgress.Format(row, 2));
    }
}
