namespace Descent.Data;

/// <summary>
/// Reads a whole file into memory with its size bounded by what the file really holds: a regular file's
/// size as the file system reports it, and a cap for inputs that report none (pipes). A device such as
/// <c>/dev/zero</c>, which reports 0 bytes and never ends, or a file that grows while it is read, fails
/// at once instead of filling memory.
/// </summary>
/// <example><code>byte[] bytes = FileBytes.Read("model.safetensors", FileBytes.MaxBytes);</code></example>
public static class FileBytes
{
    /// <summary>The default cap: one byte less than the largest array .NET allocates (about 2 GiB).</summary>
    public static readonly long MaxBytes = Array.MaxLength - 1;

    /// <summary>
    /// The bytes of <paramref name="path"/>; throws <see cref="FileNotFoundException"/> when it is missing and
    /// <see cref="DataFormatException"/> (naming the file and its size) when it holds more than
    /// <paramref name="maxBytes"/> or more than its reported size.
    /// </summary>
    public static byte[] Read(string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        maxBytes = Math.Min(maxBytes, MaxBytes);
        if (!File.Exists(path)) throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found ('{Path.GetFullPath(path)}')", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long reported = stream.CanSeek ? stream.Length : -1;
        if (reported > maxBytes)
            throw new DataFormatException(path, null, null, $"the file holds {reported} bytes, more than the {maxBytes}-byte limit");
        // One byte past the reported size tells a device or a growing file from a regular one.
        long limit = reported >= 0 ? reported : maxBytes;
        var buffer = new byte[(int)Math.Min(limit + 1, 1 << 16)];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (filled > limit) break;
                Array.Resize(ref buffer, (int)Math.Min(Math.Max(2L * buffer.Length, 1), limit + 1));
            }
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) return filled == buffer.Length ? buffer : buffer[..filled];
            filled += n;
        }
        throw new DataFormatException(path, null, limit, reported >= 0
            ? $"the file reports {reported} bytes but holds more (a device or a file that grows is not read)"
            : $"the input holds more than the {maxBytes}-byte limit");
    }
}
