namespace Descent.Tests.Cli;

/// <summary>
/// A folder no file can be created in. Permission bits stop an ordinary user; root ignores them, so under root
/// it is sysfs, which refuses new files to everyone.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private readonly TempFolder? _owned;

    public ReadOnlyFolder()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("read-only folders are made with Unix permissions");
        _owned = new TempFolder();
        System.IO.File.SetUnixFileMode(_owned.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (CanCreateIn(_owned.Path))
        {
            Dispose();
            _owned = null;
            Path = "/sys";
            Assert.False(CanCreateIn(Path), "no read-only folder found on this machine to test with");
        }
        else Path = _owned.Path;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (_owned == null || OperatingSystem.IsWindows()) return;
        System.IO.File.SetUnixFileMode(_owned.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _owned.Dispose();
    }

    private static bool CanCreateIn(string folder)
    {
        string probe = System.IO.Path.Combine(folder, $"probe-{Guid.NewGuid():N}");
        try
        {
            System.IO.File.WriteAllBytes(probe, []);
            System.IO.File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
