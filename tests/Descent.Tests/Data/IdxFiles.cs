using System.Buffers.Binary;
using System.IO.Compression;

namespace Descent.Tests.Data;

/// <summary>Writes small IDX files, gzip-compressed, as Zalando and LeCun distribute them, for the readers' tests.</summary>
internal static class IdxFiles
{
    /// <summary>The IDX bytes: the magic number, each dimension, then the values.</summary>
    public static byte[] Bytes(int magic, int[] dims, byte[] values)
    {
        var bytes = new byte[4 + 4 * dims.Length + values.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        values.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> gzip-compressed to <paramref name="path"/>.</summary>
    public static void WriteGz(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(bytes);
    }
}
