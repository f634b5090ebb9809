using Descent.IO;
using Descent.Tests.Training;
using Descent.Training;

namespace Descent.Tests.Fuzz;

/// <summary>The smallest checkpoint edit for each bug <see cref="CheckpointFuzzTests"/> found, kept as a fixed test.</summary>
[Collection("Generator.Default")]
public class CheckpointRegressionTests : IDisposable
{
    private const string File = "lie.safetensors";
    private readonly string _dir = FuzzRunner.TempFolder();
    private readonly ulong[] _defaultState = Generator.Default.GetState();

    public void Dispose()
    {
        Generator.Default.SetState(_defaultState);
        Directory.Delete(_dir, true);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Learner MakeLearner() => TrainingKit.MoonsLearner(5, "adam", epochs: 3);

    /// <summary>A real checkpoint after one epoch with one metadata entry replaced; returns its path.</summary>
    private string WriteLie(string key, string value)
    {
        var learner = MakeLearner();
        learner.Fit(1);
        var path = PathOf(File);
        learner.SaveCheckpoint(path);
        var (tensors, metadata) = Safetensors.Load(path);
        metadata[key] = value;
        Safetensors.Save(path, tensors, metadata);
        return path;
    }

    private static string OneLine(Exception e, string file)
    {
        Assert.StartsWith(file + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        return e.Message;
    }

    private string Rejected(string key, string value) =>
        OneLine(Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Load(WriteLie(key, value))), File);

    [Fact]
    public void NumberThatIsALoneSurrogateString()
    {
        // Was InvalidOperationException from JsonElement.GetString in History.ParseDouble.
        Assert.Contains("metadata 'optimizer_groups'", Rejected("optimizer_groups", "[{\"lr\":\"\\ud800\"}]"));
    }

    [Fact]
    public void NameThatIsALoneSurrogate()
    {
        // Was InvalidOperationException from JsonProperty.Name in Checkpoint.ReadMap (and in the history's metric maps).
        Assert.Contains("not valid Unicode", Rejected("scheduler", "{\"\\ud800\":1}"));
        Assert.Contains("metadata 'history'", Rejected("history",
            "[{\"epoch\":1,\"train_loss\":1,\"valid_loss\":null,\"metrics\":{\"\\ud800\":1},\"train_metrics\":{},\"lr\":0.1,\"seconds\":1}]"));
    }

    [Fact]
    public void HistoryEpochThatIsAString()
    {
        // Was InvalidOperationException from JsonElement.TryGetInt32 on a string.
        Assert.Contains("invalid 'epoch'", Rejected("history",
            "[{\"epoch\":\"1\",\"train_loss\":1,\"valid_loss\":null,\"metrics\":{},\"train_metrics\":{},\"lr\":0.1,\"seconds\":1}]"));
    }

    [Fact]
    public void MetadataTextWithLineBreaks()
    {
        // Was a message quoting the file's line breaks, over several lines.
        Assert.Contains("got '1\\u000d\\u000a'", Rejected("epoch", "1\r\n"));
        Assert.Contains("descent\\u000a", Rejected("format", "descent\n"));
    }

    [Fact]
    public void AllZeroGeneratorState()
    {
        // Was accepted: a generator restored to it draws zeros forever (Dropout masks and shuffles stop being random).
        Assert.Contains("all zero", Rejected("rng", "{\"train_loader\":[0,0,0,0,1,0,0]}"));
    }

    [Fact]
    public void ResumeWithAScheduleStepPastTheEnd()
    {
        // Was a two-line message: ArgumentOutOfRangeException's "Actual value was ..." line, wrapped by Restore.
        var path = WriteLie("scheduler", "{\"last_epoch\":1e19,\"base_lrs.0\":0.01}");
        var e = Assert.Throws<ArgumentException>(() => MakeLearner().Resume(path));
        Assert.Contains("past the schedule's end", OneLine(e, File));
    }

    [Fact]
    public void ResumeWithAHugeArchitecture()
    {
        // Was a refusal quoting all of it (several times over), its allocations sized by the file.
        var path = WriteLie("architecture", new string('x', 1 << 20) + "\n");
        var e = Assert.Throws<ArgumentException>(() => MakeLearner().Resume(path));
        Assert.True(OneLine(e, File).Length < 400, $"message of {e.Message.Length} characters");
    }
}
