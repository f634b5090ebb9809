using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace Descent.Parity;

/// <summary>
/// Writes a libtorch module's <c>state_dict()</c> as PyTorch's <c>safetensors.torch.save_file</c> does:
/// every entry under its own name, in its own dtype (float32 parameters, BatchNorm's int64
/// <c>num_batches_tracked</c>), so that Descent reads the file a PyTorch user hands it, not a Descent one.
/// </summary>
internal static class TorchStateDictFile
{
    public static byte[] Write(torch.nn.Module module) => Write(module.state_dict().Select(kv => (kv.Key, kv.Value)));

    public static byte[] Write(IEnumerable<(string Name, TT Tensor)> entries)
    {
        var blobs = new List<(string Name, string Dtype, long[] Shape, byte[] Data)>();
        foreach (var (name, t) in entries)
        {
            var c = t.detach().contiguous();
            blobs.Add(c.dtype switch
            {
                torch.ScalarType.Float32 => (name, "F32", c.shape, Bytes(c.data<float>().ToArray(), 4, (b, v) => BinaryPrimitives.WriteSingleLittleEndian(b, v))),
                torch.ScalarType.Int64 => (name, "I64", c.shape, Bytes(c.data<long>().ToArray(), 8, (b, v) => BinaryPrimitives.WriteInt64LittleEndian(b, v))),
                _ => throw new ArgumentException($"TorchStateDictFile: '{name}' has dtype {c.dtype}, which this test writer does not cover"),
            });
        }
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var (name, dtype, shape, data) in blobs)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += data.Length;
            }
            json.WriteEndObject();
        }
        var file = new MemoryStream();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header.ToArray());
        foreach (var blob in blobs) file.Write(blob.Data);
        return file.ToArray();
    }

    private static byte[] Bytes<T>(T[] values, int size, Action<Span<byte>, T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++) write(bytes.AsSpan(i * size), values[i]);
        return bytes;
    }
}
