namespace Descent.IO.Onnx;

/// <summary>One attribute of a node: a float, an int, a list of ints, a string or a list of strings.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeType Type, float F = 0, long I = 0, long[]? Ints = null, string? S = null,
    string[]? Strings = null)
{
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeType.Float, F: value);

    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeType.Int, I: value);

    public static OnnxAttribute IntList(string name, params long[] values) => new(name, OnnxAttributeType.Ints, Ints: values);

    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeType.String, S: value);

    public static OnnxAttribute StringList(string name, params string[] values) => new(name, OnnxAttributeType.Strings, Strings: values);
}

/// <summary>AttributeProto.AttributeType values used here (onnx.proto3: FLOAT = 1, INT = 2, STRING = 3, INTS = 7, STRINGS = 8).</summary>
internal enum OnnxAttributeType
{
    Float = 1,
    Int = 2,
    String = 3,
    Ints = 7,
    Strings = 8,
}

/// <summary>A node: operator type, input and output value names, attributes.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

/// <summary>A constant tensor of the graph: float32 (weights) or int64 (shapes for Reshape).</summary>
internal sealed record OnnxInitializer(string Name, long[] Dims, float[]? Floats, long[]? Int64s);

/// <summary>One dimension of a graph input or output: a fixed size, a named symbol, or unknown (both null).</summary>
internal readonly record struct OnnxDim(long? Value, string? Param);

/// <summary>A graph input or output with its shape and element type (float32 unless said: masks are bool).</summary>
internal sealed record OnnxValueInfo(string Name, OnnxDim[] Dims, int ElemType = OnnxProto.Float32);

/// <summary>
/// Encodes ONNX messages. Field numbers are those of onnx/onnx.proto3 in the ONNX repository
/// (the same numbers as onnx.proto); each message's numbers are listed above its encoder.
/// </summary>
internal static class OnnxProto
{
    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const int Float32 = 1;

    /// <summary>TensorProto.DataType INT32 (the recurrent operators' sequence_lens).</summary>
    public const int Int32 = 6;

    /// <summary>TensorProto.DataType INT64.</summary>
    public const int Int64 = 7;

    /// <summary>TensorProto.DataType BOOL.</summary>
    public const int Bool = 9;

    // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, domain = 4, model_version = 5,
    // doc_string = 6, graph = 7, opset_import = 8.
    public static byte[] Model(long irVersion, string producerName, string producerVersion, long opsetVersion, ProtoWriter graph)
    {
        var w = new ProtoWriter();
        w.Int64(1, irVersion);
        w.String(2, producerName);
        w.String(3, producerVersion);
        w.Message(7, graph);
        w.Message(8, OpsetImport("", opsetVersion));
        return w.ToArray();
    }

    // OperatorSetIdProto: domain = 1, version = 2.
    public static ProtoWriter OpsetImport(string domain, long version)
    {
        var w = new ProtoWriter();
        w.String(1, domain);
        w.Int64(2, version);
        return w;
    }

    // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12, value_info = 13.
    public static ProtoWriter Graph(string name, IEnumerable<OnnxNode> nodes, IEnumerable<OnnxInitializer> initializers,
        IEnumerable<OnnxValueInfo> inputs, IEnumerable<OnnxValueInfo> outputs)
    {
        var w = new ProtoWriter();
        foreach (var n in nodes) w.Message(1, Node(n));
        w.String(2, name);
        foreach (var t in initializers) w.Message(5, Tensor(t));
        foreach (var v in inputs) w.Message(11, ValueInfo(v));
        foreach (var v in outputs) w.Message(12, ValueInfo(v));
        return w;
    }

    // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, doc_string = 6, domain = 7.
    public static ProtoWriter Node(OnnxNode node)
    {
        var w = new ProtoWriter();
        foreach (var i in node.Inputs) w.String(1, i);
        foreach (var o in node.Outputs) w.String(2, o);
        w.String(3, node.Name);
        w.String(4, node.OpType);
        foreach (var a in node.Attributes) w.Message(5, Attribute(a));
        return w;
    }

    // AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, g = 6, floats = 7, ints = 8, strings = 9, type = 20.
    public static ProtoWriter Attribute(OnnxAttribute a)
    {
        var w = new ProtoWriter();
        w.String(1, a.Name);
        switch (a.Type)
        {
            case OnnxAttributeType.Float: w.Float(2, a.F); break;
            case OnnxAttributeType.Int: w.Int64(3, a.I); break;
            case OnnxAttributeType.String: w.String(4, a.S!); break;
            case OnnxAttributeType.Ints: w.PackedInt64s(8, a.Ints!); break;
            case OnnxAttributeType.Strings: foreach (var v in a.Strings!) w.String(9, v); break;
            default: throw new ArgumentOutOfRangeException(nameof(a), a.Type, "OnnxProto: unknown attribute type");
        }
        w.Int64(20, (long)a.Type);
        return w;
    }

    // TensorProto: dims = 1, data_type = 2, float_data = 4 (packed), int64_data = 7 (packed), name = 8, raw_data = 9.
    public static ProtoWriter Tensor(OnnxInitializer t)
    {
        var w = new ProtoWriter();
        w.PackedInt64s(1, t.Dims);
        w.Int64(2, t.Floats != null ? Float32 : Int64);
        if (t.Floats != null) w.PackedFloats(4, t.Floats);
        else w.PackedInt64s(7, t.Int64s!);
        w.String(8, t.Name);
        return w;
    }

    // ValueInfoProto: name = 1, type = 2, doc_string = 3.
    // TypeProto: tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2.
    // TensorShapeProto: dim = 1; TensorShapeProto.Dimension: dim_value = 1, dim_param = 2.
    public static ProtoWriter ValueInfo(OnnxValueInfo v)
    {
        var shape = new ProtoWriter();
        foreach (var d in v.Dims)
        {
            var dim = new ProtoWriter();
            if (d.Value is long value) dim.Int64(1, value);
            else if (d.Param != null) dim.String(2, d.Param);
            shape.Message(1, dim);
        }
        var tensorType = new ProtoWriter();
        tensorType.Int64(1, v.ElemType);
        tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var w = new ProtoWriter();
        w.String(1, v.Name);
        w.Message(2, type);
        return w;
    }
}
