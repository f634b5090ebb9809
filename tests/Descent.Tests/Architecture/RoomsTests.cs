using System.Reflection;
using System.Reflection.Emit;
using Xunit.Abstractions;

namespace Descent.Tests.Architecture;

/// <summary>
/// The rooms of the house (DESIGN.md) and which may call which, read from the compiled assemblies.
/// Code in <c>Descent.Kernels</c> sees the core's types (namespace <c>Descent</c>) without a <c>using</c>,
/// so the source's usings prove nothing: every type's fields, signatures, base types, generic constraints
/// and the members its IL names are collected instead, compiler-made closures and state machines counting
/// for the type that wrote them.
/// </summary>
public class RoomsTests(ITestOutputHelper output)
{
    private const string Core = "core", Kernels = "Kernels", Nn = "Nn", Optim = "Optim", Data = "Data",
        Training = "Training", IO = "IO", Plots = "Plots", Tutorial = "Tutorial", Cli = "Cli";

    private static readonly string[] Library = [Core, Kernels, Nn, Optim, Data, Training, IO];

    /// <summary>
    /// Each room and the rooms it may use. Kernels are spans and threads only; the core (tensors, autograd,
    /// ops) calls kernels; layers build on ops alone; optimizers update parameters with kernels; file formats know
    /// the model, optimizer and data types they write but not the training loop, which uses everything.
    /// Nothing in the library knows the plots or the tool. The tutorial's chapters are computations on the
    /// library alone, so the demo and the lessons can both tell them and neither draws nor parses flags.
    /// </summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [Kernels] = [],
        [Core] = [Kernels],
        [Nn] = [Core],
        [Optim] = [Core, Nn, Kernels],
        [Data] = [Core],
        [IO] = [Core, Nn, Optim, Data],
        [Training] = [Core, Kernels, Nn, Optim, Data, IO],
        [Plots] = Library,
        [Tutorial] = Library,
        [Cli] = [.. Library, Plots, Tutorial],
    };

    /// <summary>The room of a namespace, or null for types that are not ours.</summary>
    private static string? RoomOf(string? ns) => ns switch
    {
        "Descent" => Core,
        "Descent.Kernels" => Kernels,
        "Descent.Nn" => Nn,
        "Descent.Optim" or "Descent.Optim.Schedules" => Optim,
        "Descent.Data" => Data,
        "Descent.Training" => Training,
        "Descent.IO" or "Descent.IO.Onnx" => IO,
        _ when ns?.StartsWith("Descent.Plots", StringComparison.Ordinal) == true => Plots,
        _ when ns?.StartsWith("Descent.Tutorial", StringComparison.Ordinal) == true => Tutorial,
        _ when ns?.StartsWith("Descent.Cli", StringComparison.Ordinal) == true => Cli,
        _ => null,
    };

    private static readonly Assembly[] Assemblies =
        [typeof(Tensor).Assembly, typeof(Descent.Plots.TrainingFigures).Assembly, typeof(Descent.Tutorial.LinearRegressionStory).Assembly,
         typeof(Descent.Cli.Program).Assembly];

    private static readonly Lazy<Dictionary<(string From, string To), string>> Graph = new(BuildGraph);

    [Fact]
    public void EveryArrowBetweenRoomsIsAllowed()
    {
        foreach (var ((from, to), example) in Graph.Value.OrderBy(e => e.Key.From).ThenBy(e => e.Key.To))
            output.WriteLine($"{from} -> {to}   e.g. {example}");
        var forbidden = Graph.Value
            .Where(e => !Allowed[e.Key.From].Contains(e.Key.To))
            .OrderBy(e => e.Key.From).ThenBy(e => e.Key.To)
            .Select(e => $"{e.Key.From} -> {e.Key.To}: {e.Value}")
            .ToList();
        Assert.True(forbidden.Count == 0, "Forbidden arrows between rooms:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void EveryNamespaceOfOursHasARoom()
    {
        var homeless = Assemblies.SelectMany(a => a.GetTypes())
            .Select(t => t.Namespace)
            .Where(ns => ns != null && ns.StartsWith("Descent", StringComparison.Ordinal) && RoomOf(ns) == null)
            .Distinct()
            .ToList();
        Assert.True(homeless.Count == 0, $"namespaces without a room (add them to RoomOf): {string.Join(", ", homeless)}");
    }

    [Fact]
    public void TheReaderSeesCallsThatOnlyTheILMakes()
    {
        // Linear's input gradient names tensors only in its signature; its body calls the GEMM kernel.
        var affine = typeof(Tensor).GetMethod("AffineInputGrad", All)!;
        Assert.Contains(ILMembers(affine, affine.GetMethodBody()!.GetILAsByteArray()!),
            m => m.DeclaringType == typeof(Descent.Kernels.Gemm) && m.Name == nameof(Descent.Kernels.Gemm.Run));
        Assert.Contains((Core, Kernels), Graph.Value.Keys);
        Assert.Contains((Cli, Training), Graph.Value.Keys);
        Assert.Contains((Cli, Tutorial), Graph.Value.Keys);
    }

    private static Dictionary<(string, string), string> BuildGraph()
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var assembly in Assemblies)
        {
            foreach (var type in assembly.GetTypes())
            {
                var from = RoomOf(type.Namespace);
                if (from == null) continue;
                var owner = Outermost(type);
                foreach (var (used, via) in References(type))
                {
                    var to = RoomOf(used.Namespace);
                    if (to == null || to == from || !Assemblies.Contains(used.Assembly)) continue;
                    edges.TryAdd((from, to), $"{owner.FullName}{via} uses {Name(used)}");
                }
            }
        }
        return edges;
    }

    private static Type Outermost(Type t)
    {
        while (t.DeclaringType != null) t = t.DeclaringType;
        return t;
    }

    private static string Name(Type t) => Outermost(t) == t ? t.FullName ?? t.Name : $"{Outermost(t).FullName}+{t.Name}";

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Each type <paramref name="type"/> names, with where it names it.</summary>
    private static IEnumerable<(Type Used, string Via)> References(Type type)
    {
        var shown = type.DeclaringType == null ? "" : $"+{type.Name}";
        foreach (var t in Expand(type.BaseType)) yield return (t, $"{shown} (base type)");
        foreach (var i in type.GetInterfaces()) foreach (var t in Expand(i)) yield return (t, $"{shown} (interface)");
        foreach (var t in Constraints(type.IsGenericTypeDefinition ? type.GetGenericArguments() : [])) yield return (t, $"{shown} (constraint)");
        foreach (var f in type.GetFields(All)) foreach (var t in Expand(f.FieldType)) yield return (t, $"{shown}.{f.Name}");
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            var at = $"{shown}.{m.Name}";
            if (m is MethodInfo mi)
            {
                foreach (var t in Expand(mi.ReturnType)) yield return (t, at);
                foreach (var t in Constraints(mi.IsGenericMethodDefinition ? mi.GetGenericArguments() : [])) yield return (t, at);
            }
            foreach (var p in m.GetParameters()) foreach (var t in Expand(p.ParameterType)) yield return (t, at);
            var body = m.GetMethodBody();
            if (body == null) continue;
            foreach (var local in body.LocalVariables) foreach (var t in Expand(local.LocalType)) yield return (t, at);
            foreach (var member in ILMembers(m, body.GetILAsByteArray()!))
                foreach (var t in TypesOf(member)) yield return (t, $"{at} (calls {Describe(member)})");
        }
    }

    private static string Describe(MemberInfo member) => member is Type t ? Name(t) : $"{(member.DeclaringType is { } d ? Name(d) : "?")}.{member.Name}";

    private static IEnumerable<Type> Constraints(Type[] parameters) =>
        parameters.SelectMany(p => p.GetGenericParameterConstraints()).SelectMany(Expand);

    /// <summary>A type with its element type and generic arguments, recursively.</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type == null || type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType())) yield return t;
            yield break;
        }
        yield return type;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            foreach (var a in type.GetGenericArguments()) foreach (var t in Expand(a)) yield return t;
    }

    private static IEnumerable<Type> TypesOf(MemberInfo member)
    {
        switch (member)
        {
            case Type t:
                foreach (var x in Expand(t)) yield return x;
                break;
            case FieldInfo f:
                foreach (var x in Expand(f.DeclaringType)) yield return x;
                foreach (var x in Expand(f.FieldType)) yield return x;
                break;
            case MethodBase m:
                foreach (var x in Expand(m.DeclaringType)) yield return x;
                if (m is MethodInfo mi)
                {
                    foreach (var x in Expand(mi.ReturnType)) yield return x;
                    if (mi.IsGenericMethod) foreach (var a in mi.GetGenericArguments()) foreach (var x in Expand(a)) yield return x;
                }
                foreach (var p in m.GetParameters()) foreach (var x in Expand(p.ParameterType)) yield return x;
                break;
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodeTable = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The fields, methods and types that a method body's instructions name by token.</summary>
    private static IEnumerable<MemberInfo> ILMembers(MethodBase method, byte[] il)
    {
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            if (!OpCodeTable.TryGetValue(value, out var op)) throw new InvalidOperationException($"{method.DeclaringType}.{method.Name}: unknown opcode 0x{value:x} at IL offset {i}");
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs)!;
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    i += 4;
                    break;
            }
        }
    }
}
