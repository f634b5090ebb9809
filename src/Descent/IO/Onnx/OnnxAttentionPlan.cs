using Descent.Nn;
using Module = Descent.Nn.Module;

namespace Descent.IO.Onnx;

/// <summary>
/// One attention call checked and laid out for export: the graph inputs with their dimensions (symbolic
/// ones named by what they are), the outputs' dimensions, and the emission of the masks and the module.
/// The call is checked by running the module's Forward on stand-ins of the inputs and masks, so the
/// module's own shape rules and messages apply.
/// </summary>
internal sealed class OnnxAttentionPlan
{
    private readonly Module _model;
    private readonly OnnxAttentionCall _call;
    private readonly int _heads;
    private readonly bool _batched;
    private readonly int _seqDim;
    private readonly int _batchDim;
    private readonly OnnxValue _input;
    private readonly OnnxValue? _memory, _key, _value;
    private readonly OnnxDim[] _inputDims;
    private readonly OnnxDim[]? _memoryDims, _keyDims;

    private OnnxAttentionPlan(Module model, OnnxAttentionCall call, bool batchFirst, int heads, int[] inputShape)
    {
        (_model, _call, _heads) = (model, call, heads);
        if (inputShape.Length is not (2 or 3))
            throw new ArgumentException(
                $"OnnxExport: inputShape must be 3-D ({(batchFirst ? "[N, L, E]" : "[L, N, E]")}) or 2-D unbatched ([L, E]); got {Shape.Format(inputShape)}",
                nameof(inputShape));
        _batched = inputShape.Length == 3;
        _seqDim = _batched && batchFirst ? 1 : 0;
        _batchDim = _batched ? 1 - _seqDim : -1;
        (_input, _inputDims) = Input(OnnxExport.InputName, inputShape, nameof(inputShape));
        Inputs.Add(new OnnxValueInfo(OnnxExport.InputName, _inputDims));
        if (call.MemoryShape is { } memory)
        {
            (var value, _memoryDims) = Input(OnnxExport.MemoryName, memory, nameof(call.MemoryShape));
            _memory = value;
            Inputs.Add(new OnnxValueInfo(OnnxExport.MemoryName, _memoryDims));
        }
        if (call.KeyShape is { } key)
        {
            (var k, _keyDims) = Input(OnnxExport.KeyName, key, nameof(call.KeyShape));
            int[] valueShape = call.ValueShape ?? [.. key[..^1], ((MultiheadAttention)model).VDim];
            var (v, valueDims) = Input(OnnxExport.ValueName, valueShape, nameof(call.ValueShape));
            (_key, _value) = (k, v);
            Inputs.Add(new OnnxValueInfo(OnnxExport.KeyName, _keyDims));
            Inputs.Add(new OnnxValueInfo(OnnxExport.ValueName, valueDims));
        }
        var keys = _keyDims ?? _inputDims;
        if (call.KeyPaddingMask) Inputs.Add(new OnnxValueInfo(OnnxExport.KeyPaddingMaskName, PaddingDims(keys), OnnxProto.Bool));
        if (call.MemoryKeyPaddingMask) Inputs.Add(new OnnxValueInfo(OnnxExport.MemoryKeyPaddingMaskName, PaddingDims(_memoryDims!), OnnxProto.Bool));
        OutputDims = _inputDims;
        // [N, L, S] averaged over heads or [N, heads, L, S]; no N unbatched.
        List<OnnxDim> weights = [];
        if (_batched) weights.Add(_inputDims[_batchDim]);
        if (!call.AverageAttnWeights) weights.Add(new OnnxDim(heads, null));
        weights.Add(_inputDims[_seqDim]);
        weights.Add(keys[_seqDim]);
        WeightsDims = [.. weights];
    }

    /// <summary>The graph inputs, in the order the graph declares them.</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>The output's dimensions: the first input's.</summary>
    public OnnxDim[] OutputDims { get; }

    /// <summary>The attention weights' dimensions.</summary>
    public OnnxDim[] WeightsDims { get; }

    /// <summary>Checks <paramref name="call"/> against <paramref name="model"/> and lays out its inputs; throws naming the rule broken.</summary>
    public static OnnxAttentionPlan Create(Module model, int[] inputShape, OnnxAttentionCall call)
    {
        string type = model.GetType().Name;
        var (batchFirst, heads) = model switch
        {
            MultiheadAttention m => (m.BatchFirst, m.NumHeads),
            TransformerEncoderLayer m => (m.SelfAttn.BatchFirst, m.SelfAttn.NumHeads),
            TransformerEncoder m => m.Layers.Count == 0 ? (false, 1) : (m.Layers[0].SelfAttn.BatchFirst, m.Layers[0].SelfAttn.NumHeads),
            TransformerDecoderLayer m => (m.BatchFirst, m.SelfAttn.NumHeads),
            TransformerDecoder m => m.Layers.Count == 0 ? (false, 1) : (m.Layers[0].BatchFirst, m.Layers[0].SelfAttn.NumHeads),
            _ => throw new NotSupportedException(
                $"OnnxExport: an attention call exports a MultiheadAttention, TransformerEncoderLayer, TransformerEncoder, " +
                $"TransformerDecoderLayer or TransformerDecoder at the root; got {type}"),
        };
        bool decoder = model is TransformerDecoderLayer or TransformerDecoder;
        void Reject(bool given, bool applies, string what, string where)
        {
            if (given && !applies) throw new ArgumentException($"OnnxExport: {what} applies to {where} only; the model is {type}", nameof(call));
        }
        Reject(call.MemoryShape != null || call.MemoryMask != null || call.MemoryKeyPaddingMask, decoder, "MemoryShape, MemoryMask or MemoryKeyPaddingMask",
            "a TransformerDecoderLayer or TransformerDecoder");
        if (decoder && call.MemoryShape == null)
            throw new ArgumentException($"OnnxExport: {type} attends to the encoder's memory, so the call needs MemoryShape", nameof(call));
        Reject(call.KeyShape != null || call.ValueShape != null || call.NeedWeights, model is MultiheadAttention, "KeyShape, ValueShape or NeedWeights",
            "a MultiheadAttention");
        if (call.ValueShape != null && call.KeyShape == null)
            throw new ArgumentException("OnnxExport: ValueShape needs KeyShape (a value input comes with a key input)", nameof(call));
        if (call.Causal && call.AttnMask != null)
            throw new ArgumentException("OnnxExport: give Causal or AttnMask, not both (the module takes one mask)", nameof(call));
        var plan = new OnnxAttentionPlan(model, call, batchFirst, heads, inputShape);
        plan.CheckConstantMasks();
        plan.RunOnStandIns();
        return plan;
    }

    /// <summary>Emits the masks and the module; returns the output's and the weights' value names.</summary>
    public (string Output, string? Weights) Emit(OnnxGraph g)
    {
        var keys = _key ?? _input;
        var self = Masks(g, "attn_mask", _input, keys, _call.Causal, _call.AttnMask, _call.KeyPaddingMask ? OnnxExport.KeyPaddingMaskName : null);
        switch (_model)
        {
            case MultiheadAttention m:
                var (output, weights) = OnnxConverters.Attend(g, m, "", _input, keys, _value ?? _input, self, _call.NeedWeights, _call.AverageAttnWeights);
                return (output.Name, weights);
            case TransformerEncoderLayer m:
                return (OnnxConverters.EncoderLayer(g, m, "", _input, self).Name, null);
            case TransformerEncoder m:
                return (OnnxConverters.EncoderStack(g, m, "", _input, self).Name, null);
        }
        var memory = _memory!.Value;
        var cross = Masks(g, "memory_mask", _input, memory, false, _call.MemoryMask,
            _call.MemoryKeyPaddingMask ? OnnxExport.MemoryKeyPaddingMaskName : null);
        return _model is TransformerDecoderLayer layer
            ? (OnnxConverters.DecoderLayer(g, layer, "", _input, memory, self, cross).Name, null)
            : (OnnxConverters.DecoderStack(g, (TransformerDecoder)_model, "", _input, memory, self, cross).Name, null);
    }

    // The bool masks joined with Or into one value that Where reads once per attention.
    private OnnxAttentionMasks Masks(OnnxGraph g, string path, OnnxValue queries, OnnxValue keys, bool causal, BoolTensor? constant, string? padding)
    {
        string? blocked = causal ? OnnxConverters.CausalMask(g, path, queries, _seqDim, keys, _seqDim) : null;
        if (padding != null)
        {
            var p = OnnxConverters.PaddingMask(g, path, padding, _batched);
            blocked = blocked == null ? p : g.Node("Or", path, [blocked, p]);
        }
        return new OnnxAttentionMasks(blocked, constant == null ? null : OnnxConverters.AdditiveMask(g, path, constant, _heads));
    }

    // A constant mask is sized for the exported lengths (and, per head, the batch), so those must be fixed.
    private void CheckConstantMasks()
    {
        void Check(BoolTensor? mask, string name, OnnxDim[] keys)
        {
            if (mask == null) return;
            bool symbolic = _inputDims[_seqDim].Value == null || keys[_seqDim].Value == null || (mask.Rank == 3 && _batched && _inputDims[_batchDim].Value == null);
            if (symbolic)
                throw new ArgumentException(
                    $"OnnxExport: the constant {name} {Shape.Format(mask.Shape)} needs fixed sequence lengths{(mask.Rank == 3 ? " and batch size" : "")} " +
                    $"in the exported shapes; got input {Format(_inputDims)} and keys {Format(keys)} (use Causal or a padding mask input for run-time sizes)", nameof(_call));
        }
        Check(_call.AttnMask, "AttnMask", _keyDims ?? _inputDims);
        if (_memoryDims != null) Check(_call.MemoryMask, "MemoryMask", _memoryDims);
    }

    private void RunOnStandIns()
    {
        var input = Tensor.Zeros(_input.Shape);
        var keys = _key is { } k ? Tensor.Zeros(k.Shape) : input;
        var memory = _memory is { } mem ? Tensor.Zeros(mem.Shape) : null;
        BoolTensor? Padding(bool given, Tensor of) =>
            given ? BoolTensor.Full(_batched ? [of.Shape[_batchDim], of.Shape[_seqDim]] : [of.Shape[_seqDim]], false) : null;
        var attnMask = _call.Causal ? Tensor.Ones(input.Shape[_seqDim], keys.Shape[_seqDim]).Triu(1).Bool() : _call.AttnMask;
        var padding = Padding(_call.KeyPaddingMask, keys);
        try
        {
            using var _ = Autograd.NoGrad();
            switch (_model)
            {
                case MultiheadAttention m:
                    m.Forward(input, keys, _value is { } v ? Tensor.Zeros(v.Shape) : input, padding, _call.NeedWeights, attnMask, _call.AverageAttnWeights);
                    break;
                case TransformerEncoderLayer m: m.Forward(input, attnMask, padding); break;
                case TransformerEncoder m: m.Forward(input, attnMask, padding); break;
                case TransformerDecoderLayer m: m.Forward(input, memory!, attnMask, _call.MemoryMask, padding, Padding(_call.MemoryKeyPaddingMask, memory!)); break;
                case TransformerDecoder m: m.Forward(input, memory!, attnMask, _call.MemoryMask, padding, Padding(_call.MemoryKeyPaddingMask, memory!)); break;
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"OnnxExport: {_model.GetType().Name} rejects the call ({string.Join(", ", Inputs.Select(i => $"{i.Name} {Format(i.Dims)}"))}): {e.Message}", e);
        }
    }

    // −1 first makes dimension 0 symbolic, with a size-1 stand-in for the checks; it is named by what it is.
    private (OnnxValue Value, OnnxDim[] Dims) Input(string name, int[] shape, string argument)
    {
        ArgumentNullException.ThrowIfNull(shape, argument);
        if (shape.Length != (_batched ? 3 : 2) || shape.Skip(1).Any(d => d <= 0) || shape[0] is 0 or < -1)
            throw new ArgumentException(
                $"OnnxExport: {argument} must be {(_batched ? "3" : "2")}-D like the input (positive sizes, −1 allowed first for a symbolic size); got {Shape.Format(shape)}",
                argument);
        bool symbolic = shape[0] == -1;
        int[] standIn = [symbolic ? 1 : shape[0], .. shape[1..]];
        string param = _batchDim == 0 ? OnnxExport.BatchParam : $"{name}_length";
        OnnxDim[] dims = [.. shape.Select((d, i) => i == 0 && symbolic ? new OnnxDim(null, param) : new OnnxDim(d, null))];
        return (new OnnxValue(name, standIn, symbolic ? OnnxBatch.Symbolic : OnnxBatch.Fixed), dims);
    }

    private OnnxDim[] PaddingDims(OnnxDim[] keys) => _batched ? [keys[_batchDim], keys[_seqDim]] : [keys[_seqDim]];

    private static string Format(OnnxDim[] dims) => $"[{string.Join(", ", dims.Select(d => d.Value?.ToString() ?? d.Param))}]";
}
