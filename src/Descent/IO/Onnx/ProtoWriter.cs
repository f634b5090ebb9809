using System.Buffers.Binary;
using System.Text;

namespace Descent.IO.Onnx;

/// <summary>
/// The protocol-buffers wire format, just enough to write ONNX: varints, fixed32 floats,
/// length-delimited strings, bytes and nested messages, and packed repeated floats and int64s.
/// A nested message is built in its own writer and copied in with its length in front, which keeps
/// the writer single-pass at the cost of one copy per nesting level.
/// </summary>
internal sealed class ProtoWriter
{
    /// <summary>Wire type 0: int32, int64, uint32, uint64, bool, enum.</summary>
    public const int Varint = 0;

    /// <summary>Wire type 2: string, bytes, embedded messages, packed repeated fields.</summary>
    public const int LengthDelimited = 2;

    /// <summary>Wire type 5: fixed32, sfixed32, float.</summary>
    public const int Fixed32 = 5;

    private byte[] _buffer = new byte[64];
    private int _length;

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Writes an unsigned base-128 varint, seven bits per byte, least significant group first.</summary>
    public void WriteVarint(ulong value)
    {
        var dest = Grow(10);
        int n = 0;
        while (value >= 0x80)
        {
            dest[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        dest[n++] = (byte)value;
        _length += n;
    }

    /// <summary>Writes a field key: (field number &lt;&lt; 3) | wire type.</summary>
    public void WriteTag(int field, int wireType)
    {
        if (field < 1 || field > 536_870_911) throw new ArgumentOutOfRangeException(nameof(field), field, "ProtoWriter: field numbers run from 1 to 2^29 - 1");
        WriteVarint(((ulong)field << 3) | (uint)wireType);
    }

    /// <summary>An int64 (or int32, enum) field; negative values take ten bytes, as protobuf sign-extends them to 64 bits.</summary>
    public void Int64(int field, long value)
    {
        WriteTag(field, Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>A float field, four little-endian bytes.</summary>
    public void Float(int field, float value)
    {
        WriteTag(field, Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Grow(4), value);
        _length += 4;
    }

    /// <summary>A UTF-8 string field.</summary>
    public void String(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Bytes(field, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A bytes field: length, then the bytes.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
        _length += value.Length;
    }

    /// <summary>An embedded message field: the nested writer's bytes with their length in front.</summary>
    public void Message(int field, ProtoWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Bytes(field, message.WrittenSpan);
    }

    /// <summary>A packed repeated float field: one length, then four little-endian bytes per value.</summary>
    public void PackedFloats(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, LengthDelimited);
        WriteVarint((ulong)values.Length * 4);
        var dest = Grow(values.Length * 4);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dest[(4 * i)..], values[i]);
        _length += values.Length * 4;
    }

    /// <summary>A packed repeated int64 field: one length, then a varint per value.</summary>
    public void PackedInt64s(int field, ReadOnlySpan<long> values)
    {
        var body = new ProtoWriter();
        foreach (var v in values) body.WriteVarint(unchecked((ulong)v));
        Bytes(field, body.WrittenSpan);
    }

    private Span<byte> Grow(int count)
    {
        if (_buffer.Length - _length < count)
        {
            long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + count);
            if (wanted > Array.MaxLength)
            {
                if ((long)_length + count > Array.MaxLength) throw new InvalidOperationException("ProtoWriter: message exceeds the 2 GB protobuf limit");
                wanted = Array.MaxLength;
            }
            Array.Resize(ref _buffer, (int)wanted);
        }
        return _buffer.AsSpan(_length, count);
    }
}
