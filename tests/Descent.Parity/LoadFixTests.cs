using Descent.Oracle;
using TorchSharp;

namespace Descent.Parity;

public class LoadFixTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        LibTorchLoadFix.Apply();
        var t = torch.tensor(new float[] { 1, 2, 3 });
        Assert.Equal(6f, t.sum().item<float>());
    }
}

public class LoadFixPatcherTests
{
    private static string Original() =>
        Directory.EnumerateFiles(Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp", "0.107.0"),
            "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Fact]
    public void MarksOnlyTheAnchorVersionWeak()
    {
        var copy = Path.GetTempFileName();
        File.Copy(Original(), copy, overwrite: true);
        try
        {
            var needs = LibTorchLoadFix.Elf.Read(File.ReadAllBytes(copy)).VersionNeeds();
            Assert.Contains(needs, n => n.Name == "GLIBCXX_3.4.32" && n.Flags == 0);

            // GLIBCXX_3.4.30 binds real symbols, so the patcher must refuse to weaken it.
            Assert.Empty(LibTorchLoadFix.Patch(copy, ["GLIBCXX_3.4.30"]));
            Assert.Equal(["GLIBCXX_3.4.32"], LibTorchLoadFix.Patch(copy, ["GLIBCXX_3.4.32"]));

            var after = LibTorchLoadFix.Elf.Read(File.ReadAllBytes(copy)).VersionNeeds();
            Assert.Equal(2, after.Single(n => n.Name == "GLIBCXX_3.4.32").Flags);
            Assert.All(after.Where(n => n.Name != "GLIBCXX_3.4.32"), n => Assert.Equal(needs.Single(m => m.Name == n.Name && m.File == n.File).Flags, n.Flags));
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
