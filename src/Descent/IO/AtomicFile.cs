using System.Diagnostics;
using System.Globalization;

namespace Descent.IO;

/// <summary>
/// Writes a file so that readers only ever see the old complete file or the new complete file: the
/// bytes go to a temporary file <c>.NAME.PID.GUID.tmp</c> in the same folder, are flushed to disk, and the
/// temporary file is then renamed over the target (an atomic replace on the same file system). A failed
/// write deletes its temporary file and throws an <see cref="IOException"/> naming the target; a crash
/// mid-write leaves at most a stray temporary file, never a half-written target, and the next successful
/// write of the same target deletes such leftovers.
/// </summary>
/// <example><code>AtomicFile.Write("model.safetensors", stream => stream.Write(bytes));</code></example>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/> atomically.</summary>
    /// <exception cref="IOException">The folder is missing, or the file could not be written (the message names <paramref name="path"/>).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{path}: folder '{dir}' does not exist");
        if (Directory.Exists(full)) throw new IOException($"{path}: cannot write the file, it is a folder");
        var started = DateTime.UtcNow;
        var temp = Path.Combine(dir, $"{TempPrefix(full)}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // The system's message names the temporary file, which the caller never heard of.
            if (e is IOException or UnauthorizedAccessException)
                throw new IOException($"{path}: cannot write the file ({Reason(e, temp, full)})", e);
            throw;
        }
        DeleteStale(full, started);
    }

    /// <summary>The start of every temporary file name this class uses for <paramref name="fullPath"/>.</summary>
    internal static string TempPrefix(string fullPath) => $".{Path.GetFileName(fullPath)}.";

    /// <summary>
    /// Deletes temporary files of earlier writes of the same target whose process is gone and that were last
    /// written before this write began: a live writer (another process, or another thread of this one) keeps its file.
    /// </summary>
    private static void DeleteStale(string full, DateTime before)
    {
        string prefix = TempPrefix(full);
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, prefix + "*.tmp"))
            {
                string name = Path.GetFileName(file);
                var parts = name[prefix.Length..^".tmp".Length].Split('.');
                if (parts.Length != 2 || parts[1].Length != 32 || !Guid.TryParseExact(parts[1], "N", out _)) continue;
                if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (pid == Environment.ProcessId || IsRunning(pid) || File.GetLastWriteTimeUtc(file) >= before) continue;
                File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up is a courtesy: the write itself succeeded.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Reason(Exception e, string temp, string full) =>
        e is UnauthorizedAccessException ? "permission denied"
            : e.Message.Replace(temp, full, StringComparison.Ordinal).Replace(Path.GetFileName(temp), Path.GetFileName(full), StringComparison.Ordinal);
}
