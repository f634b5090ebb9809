using Descent.IO;
using Descent.Tests.Cli;

namespace Descent.Tests.IO;

/// <summary>A failed write names the caller's path and leaves no temporary file; leftovers of crashed writes are cleaned (issue 17).</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Files() => [.. Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    // A process id no process has: Linux caps them at 2^22.
    private const int DeadPid = int.MaxValue - 1;

    [Fact]
    public void A_failed_write_names_the_path_and_removes_its_temporary_file()
    {
        string path = _dir.File("m.safetensors");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new IOException("No space left on device");
        }));
        Assert.StartsWith($"{path}: cannot write the file (No space left on device)", e.Message);
        Assert.Empty(Files());
    }

    [Fact]
    public void A_read_only_folder_is_named_through_the_target_not_the_temporary_file()
    {
        using var readOnly = new ReadOnlyFolder();
        string path = readOnly.File("m.safetensors");
        var e = Assert.Throws<IOException>(() => Safetensors.Save(path, [new("a", Tensor.Ones(2))]));
        Assert.StartsWith($"{path}: cannot write the file", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
    }

    [Fact]
    public void A_folder_at_the_target_is_named_as_one()
    {
        Directory.CreateDirectory(_dir.File("m.safetensors"));
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(_dir.File("m.safetensors"), s => s.WriteByte(1)));
        Assert.Equal($"{_dir.File("m.safetensors")}: cannot write the file, it is a folder", e.Message);
    }

    [Fact]
    public void Stale_temporary_files_of_dead_writers_are_deleted_and_nothing_else()
    {
        string Temp(int pid, string target = "m.safetensors") => _dir.File($".{target}.{pid}.{Guid.NewGuid():N}.tmp");
        var old = DateTime.UtcNow.AddHours(-1);
        string stale = Temp(DeadPid), live = Temp(Environment.ProcessId), fresh = Temp(DeadPid), other = Temp(DeadPid, "n.safetensors");
        string lookalike = _dir.File(".m.safetensors.backup.tmp");
        foreach (var f in new[] { stale, live, fresh, other, lookalike }) File.WriteAllText(f, "partial");
        foreach (var f in new[] { stale, live, other, lookalike }) File.SetLastWriteTimeUtc(f, old);
        // Written after this write begins: possibly a writer on another machine sharing the folder.
        File.SetLastWriteTimeUtc(fresh, DateTime.UtcNow.AddHours(1));

        AtomicFile.Write(_dir.File("m.safetensors"), s => s.WriteByte(1));

        Assert.False(File.Exists(stale));
        Assert.Equal(new[] { live, fresh, other, lookalike, _dir.File("m.safetensors") }.Select(Path.GetFileName).Order(StringComparer.Ordinal), Files());
    }
}
