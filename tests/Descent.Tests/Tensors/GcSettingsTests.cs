namespace Descent.Tests.Tensors;

/// <summary>
/// The GC settings that <c>Directory.Build.props</c> gives every program here hold in this test host: arrays up to
/// 8 MiB start in generation 0, where the GC reuses their memory, rather than on the large-object heap. The GC caps
/// <c>System.GC.LOHThreshold</c> just under its region size without a word, so the threshold alone (at the default
/// 4 MiB regions) read 4,194,216 bytes and a 1024 × 1024 product's output went to the large-object heap.
/// </summary>
public class GcSettingsTests
{
    [Fact]
    public void TheLargeObjectThresholdInForceIsEightMebibytes()
    {
        Assert.True(GC.GetConfigurationVariables().TryGetValue("LOHThreshold", out var threshold), "the GC reports no LOHThreshold");
        Assert.Equal(8L << 20, Convert.ToInt64(threshold, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(1024, 1024)]   // a 1024 × 1024 product's output: 4 MiB and the array's header
    [InlineData(1024, 2047)]   // just under the threshold
    public void AnOutputUnderEightMebibytesStartsInGenerationZero(int rows, int columns)
    {
        // Outside a step scope, as MatMul's result is: a fresh array. The large-object heap reports generation 2; a
        // collection in between could only move a young array to generation 1.
        var output = Tensor.Uninitialized([rows, columns]);
        Assert.True(GC.GetGeneration(output.Storage) < 2, $"a [{rows}, {columns}] output went to the large-object heap");
    }
}
