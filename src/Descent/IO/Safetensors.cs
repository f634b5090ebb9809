using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Descent.IO;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// mapping each tensor name to its dtype, shape and [begin, end) byte range in the data section, an
/// optional <c>__metadata__</c> string map, then the raw little-endian data. Names follow PyTorch's
/// state-dict names, so a PyTorch model of the same architecture loads a Descent file and vice versa.
/// The reader checks everything before trusting it: header size (≤ 100 MB and inside the file), every
/// range inside the data, ranges tiling the data exactly (no gaps, no overlaps), and each range's length
/// equal to the dtype size times the shape's element count.
/// <para>
/// Every tensor is read as float32, whatever dtype PyTorch wrote: F64, F16 and BF16 are rounded to the
/// nearest float32 (F64 values beyond float32's range become infinities, as <c>tensor.float()</c> does);
/// I64, I32, I16, I8, U8 and BOOL (BatchNorm's <c>num_batches_tracked</c> is an I64 scalar) are taken
/// exactly, and a whole number that float32 cannot hold exactly (beyond ±2^24) is an error naming the
/// tensor, dtype, element and value, since rounding a count or an index silently changes it. Other
/// dtypes (the 8-bit floats, unsigned 16-64-bit) are refused naming the tensor and dtype.
/// </para>
/// </summary>
/// <example><code>
/// Safetensors.Save("model.safetensors", model.StateDict(), new Dictionary&lt;string, string&gt; { ["arch"] = "mlp:256,128" });
/// var (tensors, metadata) = Safetensors.Load("model.safetensors");
/// model.LoadStateDict(tensors);
/// </code></example>
public static class Safetensors
{
    /// <summary>The largest header accepted, as the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Writes float32 tensors (in the given order) and optional metadata atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        AtomicFile.Write(path, Writer(tensors, metadata));
    }

    /// <summary>The bytes <see cref="Save"/> writes, as the reference library's <c>save</c> returns them.</summary>
    /// <example><code>byte[] bytes = Safetensors.Serialize(model.StateDict()); var (tensors, _) = Safetensors.Parse(bytes, "in memory");</code></example>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Writer(tensors, metadata)(stream);
        return stream.ToArray();
    }

    // Names are checked and the header built before anything is written, so a bad name leaves no file behind.
    private static Action<Stream> Writer(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>();
        foreach (var (name, _) in list)
        {
            if (string.IsNullOrEmpty(name) || name == MetadataKey) throw new ArgumentException($"Safetensors.Save: invalid tensor name '{name}'");
            if (!names.Add(name)) throw new ArgumentException($"Safetensors.Save: duplicate tensor name '{name}'");
        }
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in list)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + 4L * t.Numel);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += 4L * t.Numel;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        return stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
            stream.Write(len);
            header.Position = 0;
            header.CopyTo(stream);
            var buffer = new byte[1 << 16];
            foreach (var (_, t) in list)
            {
                var data = t.Data;
                for (int i = 0; i < data.Length;)
                {
                    int n = Math.Min(buffer.Length / 4, data.Length - i);
                    for (int j = 0; j < n; j++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * j), data[i + j]);
                    stream.Write(buffer, 0, 4 * n);
                    i += n;
                }
            }
        };
    }

    /// <summary>
    /// Reads every tensor (converted to float32) and the metadata of a file, read up to its real size
    /// (<see cref="Data.FileBytes"/>: a device or an endless pipe fails at once).
    /// </summary>
    public static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(Data.FileBytes.Read(path, Data.FileBytes.MaxBytes), Path.GetFileName(path));
    }

    /// <summary>Parses a safetensors file held in memory; <paramref name="name"/> names it in errors.</summary>
    public static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 8) throw Fail(name, $"file has {bytes.Length} bytes, too short for the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes) throw Fail(name, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if (headerLength > (ulong)(bytes.Length - 8)) throw Fail(name, $"header length {headerLength} exceeds the file ({bytes.Length} bytes)");
        var header = bytes.Slice(8, (int)headerLength);
        var data = bytes[(8 + (int)headerLength)..];
        // Validated up front: System.Text.Json checks structure, not UTF-8, and would fail later when a name is read.
        if (!Utf8.IsValid(header))
            throw Fail(name, $"the header is not valid UTF-8 text (near byte {8 + InvalidUtf8Index(header)})");
        var entries = new List<(string Name, string Dtype, int[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Fail(name, "the header is not a JSON object");
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                string key = Text(name, () => property.Name);
                // A repeated key would let the header describe one tensor twice (JSON leaves duplicates undefined).
                if (!seen.Add(key)) throw Fail(name, $"key '{key}' appears twice in the header");
                if (key == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Fail(name, "__metadata__ is not an object of strings");
                    foreach (var m in property.Value.EnumerateObject())
                    {
                        string metaKey = Text(name, () => m.Name);
                        if (m.Value.ValueKind != JsonValueKind.String) throw Fail(name, $"__metadata__ value '{metaKey}' is not a string");
                        if (!metadata.TryAdd(metaKey, Text(name, () => m.Value.GetString()!)))
                            throw Fail(name, $"__metadata__ key '{metaKey}' appears twice");
                    }
                    continue;
                }
                entries.Add(ReadEntry(name, key, property.Value));
            }
        }
        catch (JsonException e)
        {
            throw SafetensorsMetadata.Fail(name, $"the header is not valid JSON: {e.Message}", e);
        }

        // The byte ranges must tile the data section exactly, in offset order.
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != expected)
                throw Fail(name, e.Begin > expected
                    ? $"tensor '{e.Name}' starts at offset {e.Begin} but the previous data ends at {expected} (a gap)"
                    : $"tensor '{e.Name}' at offsets [{e.Begin}, {e.End}) overlaps data ending at {expected}");
            expected = e.End;
        }
        if (expected != data.Length)
            throw Fail(name, $"tensors cover {expected} bytes of data but the data section holds {data.Length}");

        var tensors = new OrderedDictionary<string, Tensor>();
        foreach (var e in entries)
            tensors.Add(e.Name, Decode(name, e.Name, data.Slice((int)e.Begin, (int)(e.End - e.Begin)), e.Dtype, e.Shape));
        return (tensors, metadata);
    }

    private static (string, string, int[], long, long) ReadEntry(string file, string tensor, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object) throw Fail(file, $"tensor '{tensor}': entry is not an object");
        if (!v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String) throw Fail(file, $"tensor '{tensor}': missing dtype");
        string dtype = Text(file, () => dtypeEl.GetString()!);
        int size = DtypeSize(dtype) ?? throw Fail(file, $"tensor '{tensor}': dtype '{dtype}' is not supported (F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        if (!v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array) throw Fail(file, $"tensor '{tensor}': missing shape");
        var shape = new List<int>();
        long count = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0 || dim > int.MaxValue)
                throw Fail(file, $"tensor '{tensor}': shape has an invalid dimension {d}");
            shape.Add((int)dim);
            // Bounded at every step (as tensor shapes are), so a zero after huge dimensions cannot hide them.
            count = Math.Min(count * dim, (long)int.MaxValue + 1);
            if (count > Array.MaxLength)
                throw Fail(file, $"tensor '{tensor}': dtype {dtype} and shape [{string.Join(", ", shape)}{(shape.Count < shapeEl.GetArrayLength() ? ", ..." : "")}] need too many bytes (more elements than an array can hold)");
        }
        if (shape.Count > 8) throw Fail(file, $"tensor '{tensor}': rank {shape.Count} is too large");
        if (!v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2
            || offEl[0].ValueKind != JsonValueKind.Number || offEl[1].ValueKind != JsonValueKind.Number
            || !offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Fail(file, $"tensor '{tensor}': data_offsets must be [begin, end] with 0 <= begin <= end");
        if (count * size != end - begin)
            throw Fail(file, $"tensor '{tensor}': dtype {dtype} and shape [{string.Join(", ", shape)}] need {count * size} bytes but data_offsets [{begin}, {end}) hold {end - begin}");
        return (tensor, dtype, shape.ToArray(), begin, end);
    }

    private static int? DtypeSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        "F16" or "BF16" => 2,
        "I64" => 8,
        "I32" => 4,
        "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };

    // Past 2^24 float32 skips whole numbers; below it every integer is exact.
    private const long ExactIntegerLimit = 1 << 24;

    private static Tensor Decode(string file, string tensor, ReadOnlySpan<byte> bytes, string dtype, int[] shape)
    {
        int n = Descent.Shape.Numel(shape);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
                "I64" => Exact(file, tensor, dtype, i, BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..])),
                "I32" => Exact(file, tensor, dtype, i, BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..])),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]),
                "I8" => (sbyte)bytes[i],
                "U8" => bytes[i],
                _ => Bool(file, tensor, i, bytes[i]),
            };
        }
        // The internal constructor keeps a rank-0 shape (FromArray with no dimensions means 1-D).
        return new Tensor(values, 0, shape);
    }

    private static float Exact(string file, string tensor, string dtype, int index, long value) =>
        Math.Abs(value) <= ExactIntegerLimit ? value
            : throw Fail(file, $"tensor '{tensor}': {dtype} element {index} is {value}, which float32 cannot hold exactly (|value| must be <= 2^24 = {ExactIntegerLimit})");

    private static float Bool(string file, string tensor, int index, byte value) =>
        value <= 1 ? value : throw Fail(file, $"tensor '{tensor}': BOOL element {index} is byte {value}; a bool must be 0 or 1");

    private static SafetensorsFormatException Fail(string file, string problem) => SafetensorsMetadata.Fail(file, problem);

    /// <summary>Reads a JSON string; a lone surrogate escape (valid JSON, invalid text) becomes a format error.</summary>
    private static string Text(string file, Func<string> read)
    {
        try { return read(); }
        catch (InvalidOperationException e) { throw Fail(file, $"the header holds a string that is not valid Unicode: {e.Message}"); }
    }

    private static int InvalidUtf8Index(ReadOnlySpan<byte> text)
    {
        var status = Utf8.ToUtf16(text, new char[text.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? text.Length : read;
    }
}
