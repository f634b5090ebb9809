using Descent.IO.Onnx;

namespace Descent.Tests.IO.Onnx;

public class ProtoWriterTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7F")]
    [InlineData(128UL, "80 01")]
    [InlineData(300UL, "AC 02")]
    [InlineData(16_383UL, "FF 7F")]
    [InlineData(16_384UL, "80 80 01")]
    [InlineData(ulong.MaxValue, "FF FF FF FF FF FF FF FF FF 01")]
    public void VarintsUseSevenBitGroupsLeastSignificantFirst(ulong value, string expected)
    {
        var w = new ProtoWriter();
        w.WriteVarint(value);
        Assert.Equal(Hex(expected), w.ToArray());
    }

    [Fact]
    public void Int64FieldIsTagThenVarint()
    {
        var w = new ProtoWriter();
        w.Int64(1, 150);
        Assert.Equal(Hex("08 96 01"), w.ToArray());
    }

    [Fact]
    public void NegativeInt64IsSignExtendedToTenBytes()
    {
        var w = new ProtoWriter();
        w.Int64(3, -1);
        Assert.Equal(Hex("18 FF FF FF FF FF FF FF FF FF 01"), w.ToArray());
    }

    [Fact]
    public void LargeFieldNumbersTakeMultiByteTags()
    {
        var w = new ProtoWriter();
        w.Int64(20, 2);
        Assert.Equal(Hex("A0 01 02"), w.ToArray());
    }

    [Fact]
    public void StringIsLengthDelimitedUtf8()
    {
        var w = new ProtoWriter();
        w.String(2, "testing");
        w.String(1, "é");
        Assert.Equal(Hex("12 07 74 65 73 74 69 6E 67 0A 02 C3 A9"), w.ToArray());
    }

    [Fact]
    public void FloatIsFixed32LittleEndian()
    {
        var w = new ProtoWriter();
        w.Float(2, 1f);
        w.Float(2, -2.5f);
        Assert.Equal(Hex("15 00 00 80 3F 15 00 00 20 C0"), w.ToArray());
    }

    [Fact]
    public void NestedMessageIsPrefixedWithItsLength()
    {
        var inner = new ProtoWriter();
        inner.Int64(1, 150);
        var outer = new ProtoWriter();
        outer.Message(3, inner);
        Assert.Equal(Hex("1A 03 08 96 01"), outer.ToArray());
    }

    [Fact]
    public void PackedInt64sShareOneTagAndLength()
    {
        var w = new ProtoWriter();
        w.PackedInt64s(4, [3, 270, 86942]);
        Assert.Equal(Hex("22 06 03 8E 02 9E A7 05"), w.ToArray());
    }

    [Fact]
    public void PackedFloatsAreFourBytesEach()
    {
        var w = new ProtoWriter();
        w.PackedFloats(4, [1f, -2f]);
        w.PackedFloats(4, []);
        Assert.Equal(Hex("22 08 00 00 80 3F 00 00 00 C0 22 00"), w.ToArray());
    }

    [Fact]
    public void GrowsPastItsInitialBuffer()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => (float)i).ToArray();
        var w = new ProtoWriter();
        w.PackedFloats(4, values);
        var bytes = w.ToArray();
        // Tag 0x22, then 400,000 as a varint (80 B5 18), then the floats.
        Assert.Equal(Hex("22 80 B5 18"), bytes[..4]);
        Assert.Equal(4 + 400_000, bytes.Length);
        Assert.Equal(99_999f, BitConverter.ToSingle(bytes, bytes.Length - 4));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(536_870_912)]
    public void FieldNumbersOutsideTheProtobufRangeThrow(int field)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ProtoWriter().Int64(field, 1));
        Assert.Contains("field", e.Message);
    }

    [Fact]
    public void OpsetImportEncodesDomainAndVersion()
    {
        Assert.Equal(Hex("0A 00 10 11"), OnnxProto.OpsetImport("", 17).ToArray());
    }

    [Fact]
    public void IntAttributeCarriesNameValueAndTypeDiscriminator()
    {
        var bytes = OnnxProto.Attribute(OnnxAttribute.Int("group", 2)).ToArray();
        // name = 1 "group", i = 3 → 2, type = 20 → INT (2).
        Assert.Equal(Hex("0A 05 67 72 6F 75 70 18 02 A0 01 02"), bytes);
    }

    [Fact]
    public void IntsAttributeIsPacked()
    {
        var bytes = OnnxProto.Attribute(OnnxAttribute.IntList("pads", 1, 2, 1, 2)).ToArray();
        // name = 1 "pads", ints = 8 packed [1, 2, 1, 2], type = 20 → INTS (7).
        Assert.Equal(Hex("0A 04 70 61 64 73 42 04 01 02 01 02 A0 01 07"), bytes);
    }

    [Fact]
    public void FloatTensorHasDimsTypeDataAndName()
    {
        var bytes = OnnxProto.Tensor(new OnnxInitializer("w", [2], [1f, 2f], null)).ToArray();
        // dims = 1 packed [2], data_type = 2 → FLOAT (1), float_data = 4 packed, name = 8 "w".
        Assert.Equal(Hex("0A 01 02 10 01 22 08 00 00 80 3F 00 00 00 40 42 01 77"), bytes);
    }

    [Fact]
    public void ValueInfoWritesFixedSymbolicAndUnknownDimensions()
    {
        var bytes = OnnxProto.ValueInfo(new OnnxValueInfo("x", [new(null, "N"), new(3, null), new(null, null)])).ToArray();
        // ValueInfo{name "x", type{tensor_type{elem_type FLOAT, shape{dim{param "N"}, dim{value 3}, dim{}}}}}.
        Assert.Equal(Hex("0A 01 78 12 11 0A 0F 08 01 12 0B 0A 03 12 01 4E 0A 02 08 03 0A 00"), bytes);
    }
}
