using System.Buffers.Binary;
using System.IO.Compression;

namespace Descent.Data;

/// <summary>
/// The IDX format of the MNIST files (big-endian): two zero bytes, a type byte (0x08 = unsigned byte),
/// the number of dimensions, each dimension as a 32-bit integer, then the data. Images
/// (magic 0x00000803) become floats in [0, 1]; labels (0x00000801) become class indices.
/// </summary>
public static class Idx
{
    /// <summary>Decodes IDX bytes (gzip-compressed or raw) into dimensions and unsigned-byte values.</summary>
    public static (int[] Dimensions, byte[] Values) Decode(byte[] bytes, string file) => Decode(bytes, file, null);

    /// <summary>Decodes IDX bytes that are <paramref name="entry"/> inside <paramref name="file"/> (a tarball), naming both in errors.</summary>
    internal static (int[] Dimensions, byte[] Values) Decode(byte[] bytes, string file, string? entry)
    {
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) bytes = Gunzip(bytes, file, entry);
        if (bytes.Length < 4) throw new DataFormatException(file, Part(entry, "header"), 0, $"file has {bytes.Length} bytes, too short for an IDX header");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException(file, Part(entry, "header"), 0, $"bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):x8} (an IDX file starts with two zero bytes)");
        if (bytes[2] != 0x08)
            throw new DataFormatException(file, Part(entry, "header"), 2, $"data type 0x{bytes[2]:x2} is not supported (only 0x08, unsigned byte)");
        int rank = bytes[3];
        if (rank is < 1 or > 4) throw new DataFormatException(file, Part(entry, "header"), 3, $"{rank} dimensions is not a valid MNIST IDX rank (1 to 4)");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength) throw new DataFormatException(file, Part(entry, "header"), bytes.Length, $"file ends inside the header ({rank} dimensions need {headerLength} bytes)");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (d > int.MaxValue) throw new DataFormatException(file, Part(entry, "header"), 4 + 4 * i, $"dimension {i} is {d}, too large");
            dims[i] = (int)d;
            count *= d;
            // Checked at every step, as tensor shapes are: this also keeps the product from wrapping around 2^64.
            if (count > Array.MaxLength)
                throw new DataFormatException(file, Part(entry, "header"), 4 + 4 * i, $"header promises {string.Join("x", dims[..(i + 1)])}{(i + 1 < rank ? "x..." : "")} values, more than an array can hold");
        }
        long available = bytes.Length - headerLength;
        if (count != available)
            throw new DataFormatException(file, Part(entry, "data"), headerLength, $"header promises {string.Join("x", dims)} = {count} values but the file holds {available}");
        return (dims, bytes[headerLength..]);
    }

    /// <summary>An images file as a [N, rows, cols] tensor of floats in [0, 1].</summary>
    public static Tensor Images(byte[] bytes, string file) => Images(bytes, file, null);

    /// <summary>An images entry of a tarball as a [N, rows, cols] tensor of floats in [0, 1].</summary>
    internal static Tensor Images(byte[] bytes, string file, string? entry)
    {
        var (dims, values) = Decode(bytes, file, entry);
        if (dims.Length != 3) throw new DataFormatException(file, Part(entry, "header"), 3, $"an images file has 3 dimensions; got {dims.Length}");
        var data = new float[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = values[i] / 255f;
        return Tensor.Create(data, dims);
    }

    /// <summary>A labels file as a [N] tensor of class indices.</summary>
    public static Tensor Labels(byte[] bytes, string file) => Labels(bytes, file, null);

    /// <summary>A labels entry of a tarball as a [N] tensor of class indices.</summary>
    internal static Tensor Labels(byte[] bytes, string file, string? entry)
    {
        var (dims, values) = Decode(bytes, file, entry);
        if (dims.Length != 1) throw new DataFormatException(file, Part(entry, "header"), 3, $"a labels file has 1 dimension; got {dims.Length}");
        return Tensor.Create(values.Select(v => (float)v).ToArray(), dims);
    }

    /// <summary>Reads an IDX file from disk (raw, or gzip-compressed with a .gz name or content), of at most <see cref="NpmTarball.MaxEntryBytes"/>.</summary>
    public static (int[] Dimensions, byte[] Values) ReadFile(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found ('{Path.GetFullPath(path)}')", path);
        return Decode(FileBytes.Read(path, NpmTarball.MaxEntryBytes), path);
    }

    private static byte[] Gunzip(byte[] bytes, string file, string? entry)
    {
        try
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = gz.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > NpmTarball.MaxEntryBytes)
                    throw new DataFormatException(file, Part(entry, "gzip"), output.Length, $"decompresses to more than {NpmTarball.MaxEntryBytes} bytes");
                output.Write(chunk, 0, read);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(file, Part(entry, "gzip"), null, "corrupt gzip data: " + e.Message, e);
        }
    }

    private static string Part(string? entry, string part) => entry == null ? part : entry + ": " + part;
}
