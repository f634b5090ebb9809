namespace Descent.Cli.Commands;

/// <summary>
/// The checks every path the tool reads or writes gets before any work, so that a run does not train for an hour
/// and then fail to save: a file where a folder is expected (and the reverse) is named as such, and a folder to
/// write into must exist and accept a new file.
/// </summary>
/// <example><code>PathCheck.File("out/model.safetensors");   // throws CliValueException naming the problem</code></example>
public static class PathCheck
{
    /// <summary>Throws <see cref="CliValueException"/> unless <paramref name="path"/> is an existing file (not a folder).</summary>
    public static string ExistingFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new CliValueException($"{path} is a folder; give a file");
        return System.IO.File.Exists(path) ? path : throw new CliValueException($"file not found: {path}");
    }

    /// <summary>Throws <see cref="CliValueException"/> unless a file can be written at <paramref name="path"/>: not a folder, in a writable folder.</summary>
    public static string File(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Full(path);
        if (Directory.Exists(full)) throw new CliValueException($"{path} is a folder; give a file name");
        string folder = Path.GetDirectoryName(full) ?? full;
        if (System.IO.File.Exists(folder)) throw new CliValueException($"{folder} is a file, not a folder");
        if (!Directory.Exists(folder)) throw new CliValueException($"folder not found: {folder}");
        Writable(folder);
        return path;
    }

    /// <summary>
    /// Throws <see cref="CliValueException"/> unless <paramref name="path"/> can be a folder to write into: not a
    /// file, and either a writable folder or a missing one whose nearest existing parent is a writable folder.
    /// </summary>
    public static string Folder(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Full(path);
        if (System.IO.File.Exists(full)) throw new CliValueException($"{path} is a file; give a folder");
        string existing = full;
        while (!Directory.Exists(existing))
        {
            if (System.IO.File.Exists(existing)) throw new CliValueException($"{existing} is a file, not a folder");
            existing = Path.GetDirectoryName(existing) ?? throw new CliValueException($"folder not found: {path}");
        }
        Writable(existing);
        return path;
    }

    /// <summary>Throws <see cref="CliValueException"/> unless a file can be created in <paramref name="folder"/>.</summary>
    public static void Writable(string folder)
    {
        // Only creating a file proves it: permission bits say nothing of read-only mounts, ACLs or a full quota.
        string probe = Path.Combine(folder, $".descent-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's message names the probe file, which the user never asked for.
            string reason = e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(probe, folder, StringComparison.Ordinal);
            throw new CliValueException($"cannot write into folder {folder} ({reason})");
        }
    }

    private static string Full(string path)
    {
        if (path.Length == 0) throw new CliValueException("must not be empty");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliValueException($"'{path}' is not a valid path: {e.Message}");
        }
    }
}
