using System.Buffers.Binary;
using System.Text;
using Descent.IO;

namespace Descent.Tests.IO;

public class SafetensorsTests
{
    private static string Temp() => Path.Combine(Path.GetTempPath(), $"descent-{Guid.NewGuid():N}.safetensors");

    [Fact]
    public void RoundTripKeepsNamesOrderShapesValuesAndMetadata()
    {
        var path = Temp();
        try
        {
            var state = new OrderedDictionary<string, Tensor>
            {
                ["0.weight"] = Tensor.Randn([3, 4], new Generator(1)),
                ["0.bias"] = Tensor.FromArray([1f, -2f, 3.5f]),
                ["scalar"] = Tensor.Scalar(float.Epsilon),
                ["empty"] = Tensor.Zeros(0, 5),
            };
            Safetensors.Save(path, state, new Dictionary<string, string> { ["arch"] = "mlp:256,128" });
            var (tensors, metadata) = Safetensors.Load(path);
            Assert.Equal(state.Keys, tensors.Keys);
            foreach (var (name, t) in state)
            {
                Assert.Equal(t.Shape, tensors[name].Shape);
                Assert.Equal(t.ToArray(), tensors[name].ToArray());
            }
            Assert.Equal("mlp:256,128", metadata["arch"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LayoutFollowsTheSpecification()
    {
        var path = Temp();
        try
        {
            Safetensors.Save(path, [new("w", Tensor.FromArray([1f, 2f], 1, 2))]);
            var bytes = File.ReadAllBytes(path);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0UL, n % 8);
            string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
            Assert.Equal("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}", header.TrimEnd(' '));
            Assert.Equal(8 + (int)n + 8, bytes.Length);
            Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n)));
            Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(12 + (int)n)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadsOtherFloatDtypes()
    {
        var header = "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[8,10]},\"c\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[10,12]}}";
        var data = new byte[12];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.25);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(8), (Half)1.5f);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(10), (ushort)(BitConverter.SingleToInt32Bits(-3f) >> 16));
        var (t, _) = Safetensors.Parse(Bytes(header, data), "x.safetensors");
        Assert.Equal(0.25f, t["a"].Item());
        Assert.Equal(1.5f, t["b"].Item());
        Assert.Equal(-3f, t["c"].Item());
    }

    [Fact]
    public void ReadsPyTorchsIntegerAndBoolDtypesExactly()
    {
        // num_batches_tracked is an I64 scalar in every PyTorch BatchNorm state dict.
        var header = "{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[8,16]},"
            + "\"s\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[16,18]},\"b\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[18,19]},"
            + "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[19,20]},\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[20,22]}}";
        var data = new byte[22];
        BinaryPrimitives.WriteInt64LittleEndian(data, 1L << 24);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), -7);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(12), 123456);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(16), -300);
        data[18] = 0xFF;
        data[19] = 200;
        data[20] = 1;
        var (t, _) = Safetensors.Parse(Bytes(header, data), "x.safetensors");
        Assert.Empty(t["n"].Shape);
        Assert.Equal(16777216f, t["n"].Item());
        Assert.Equal([-7f, 123456f], t["i"].Data.ToArray());
        Assert.Equal(-300f, t["s"].Item());
        Assert.Equal(-1f, t["b"].Item());
        Assert.Equal(200f, t["u"].Item());
        Assert.Equal([1f, 0f], t["m"].Data.ToArray());
    }

    [Theory]
    [InlineData("I64", 8, "tensor 'a': I64 element 1 is 16777217, which float32 cannot hold exactly")]
    [InlineData("I32", 4, "tensor 'a': I32 element 1 is -16777217, which float32 cannot hold exactly")]
    [InlineData("BOOL", 1, "tensor 'a': BOOL element 1 is byte 2; a bool must be 0 or 1")]
    public void IntegersFloat32CannotHoldAreRefusedNamingTensorAndDtype(string dtype, int size, string expected)
    {
        var header = $"{{\"a\":{{\"dtype\":\"{dtype}\",\"shape\":[2],\"data_offsets\":[0,{2 * size}]}}}}";
        var data = new byte[2 * size];
        if (dtype == "I64") BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), (1L << 24) + 1);
        else if (dtype == "I32") BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), -(1 << 24) - 1);
        else data[1] = 2;
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Parse(Bytes(header, data), "w.safetensors"));
        Assert.StartsWith("w.safetensors: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "tensor 'b' at offsets [4, 8) overlaps data ending at 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "tensor 'a' starts at offset 4 but the previous data ends at 0 (a gap)")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "tensor 'a': dtype F32 and shape [3] need 12 bytes but data_offsets [0, 8) hold 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "tensors cover 8 bytes of data but the data section holds 12")]
    [InlineData("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "tensor 'a': dtype 'F8_E4M3' is not supported")]
    [InlineData("{\"a\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2, "tensor 'a': dtype 'U16' is not supported")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8, "shape has an invalid dimension -1")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,8]}}", 8, "need too many bytes")]
    [InlineData("{\"a\":", 0, "the header is not valid JSON")]
    [InlineData("[1,2]", 0, "the header is not a JSON object")]
    public void MalformedHeadersNameTheTensorAndOffsets(string header, int dataBytes, string expected)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Parse(Bytes(header, new byte[dataBytes]), "m.safetensors"));
        Assert.StartsWith("m.safetensors: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HeaderLengthBeyondTheFileOrLimitIsRejected()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 9);
        Assert.Contains("header length 9 exceeds the file (16 bytes)", Assert.Throws<SafetensorsFormatException>(() => Safetensors.Parse(bytes, "f")).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 200_000_000);
        Assert.Contains("exceeds the 100000000-byte limit", Assert.Throws<SafetensorsFormatException>(() => Safetensors.Parse(bytes, "f")).Message);
        Assert.Contains("too short", Assert.Throws<SafetensorsFormatException>(() => Safetensors.Parse(new byte[3], "f")).Message);
    }

    [Fact]
    public void AFailedSaveLeavesTheOldFileWhole()
    {
        var path = Temp();
        try
        {
            Safetensors.Save(path, [new("a", Tensor.Ones(4))]);
            var before = System.IO.File.ReadAllBytes(path);
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
            {
                s.Write(new byte[100]);
                throw new InvalidOperationException("disk on fire");
            }));
            Assert.Equal(before, System.IO.File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, "*" + Path.GetFileName(path) + "*"));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void DuplicateAndReservedNamesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Safetensors.Save(Temp(), [new("a", Tensor.Ones(1)), new("a", Tensor.Ones(1))]));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(Temp(), [new("__metadata__", Tensor.Ones(1))]));
    }

    private static byte[] Bytes(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }
}
