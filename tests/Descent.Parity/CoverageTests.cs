using System.Reflection;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;
using Xunit.Abstractions;

namespace Descent.Parity;

/// <summary>
/// Lists the public ops, layers, losses, optimizers and schedules of the Descent assembly and fails,
/// naming each one, when one has no [Parity] test in this assembly.
/// </summary>
public class CoverageTests(ITestOutputHelper output)
{
    private const string Creation = "creation: takes no tensor input, so there is nothing to differentiate; values come from Descent's own generator or the caller";
    private const string InPlace = "in-place: refuses to record on tensors that require grad, so it has no autograd path to compare";
    private const string State = "autograd or tensor state, exercised by every gradient comparison rather than computed";
    private const string Conversion = "conversion or introspection: reads values and shapes, computes nothing";

    /// <summary>Public Tensor members that are not ops, each with the reason it needs no libtorch comparison.</summary>
    private static readonly Dictionary<string, string> NotOps = new()
    {
        ["Arange"] = Creation, ["Zeros"] = Creation, ["Ones"] = Creation, ["Full"] = Creation, ["Scalar"] = Creation,
        ["FromArray"] = Creation, ["Create"] = Creation, ["Linspace"] = Creation, ["Rand"] = Creation, ["Randn"] = Creation, ["Uniform"] = Creation,
        ["Normal"] = Creation, ["RandInt"] = Creation, ["ZerosLike"] = Creation, ["OnesLike"] = Creation,
        ["From"] = Creation + " (a copy of a System.Numerics.Tensors span or tensor)",
        ["AddInPlace"] = InPlace, ["SubInPlace"] = InPlace, ["MulInPlace"] = InPlace, ["DivInPlace"] = InPlace,
        ["Fill"] = InPlace, ["CopyFrom"] = InPlace, ["IndexPut"] = InPlace,
        ["RequiresGrad"] = State, ["RequireGrad"] = State, ["Grad"] = State, ["GradFn"] = State, ["IsLeaf"] = State,
        ["Backward"] = State, ["ZeroGrad"] = State, ["Detach"] = "cuts the graph; its values are the identity, compared wherever a test detaches an input",
        ["Multinomial"] = "random: draws from Descent's own Generator, which libtorch's cannot reproduce, and has no gradient; " +
            "its distribution is tested statistically in Descent.Tests' MultinomialTests",
        ["Long"] = Conversion + " (to an IntTensor, which has no gradient)", ["Bool"] = Conversion + " (to a BoolTensor mask, which has no gradient)",
        ["Data"] = Conversion, ["DataSpan"] = Conversion, ["Shape"] = Conversion, ["Rank"] = Conversion, ["Numel"] = Conversion,
        ["Size"] = Conversion, ["Item"] = Conversion, ["At"] = Conversion + " (one element as a number)", ["ToArray"] = Conversion, ["ToString"] = Conversion,
        ["AsTensorSpan"] = Conversion + " (the storage as a System.Numerics.Tensors span)", ["AsReadOnlyTensorSpan"] = Conversion + " (the storage as a System.Numerics.Tensors span)",
        ["op_Addition"] = "operator form of Tensor.Add", ["op_Subtraction"] = "operator form of Tensor.Sub, Tensor.RSub",
        ["op_Multiply"] = "operator form of Tensor.Mul", ["op_Division"] = "operator form of Tensor.Div, Tensor.RDiv",
        ["op_UnaryNegation"] = "operator form of Tensor.Neg",
    };

    private static readonly Dictionary<string, string[]> Operators = new()
    {
        ["op_Addition"] = ["Tensor.Add"], ["op_Subtraction"] = ["Tensor.Sub", "Tensor.RSub"], ["op_Multiply"] = ["Tensor.Mul"],
        ["op_Division"] = ["Tensor.Div", "Tensor.RDiv"], ["op_UnaryNegation"] = ["Tensor.Neg"],
    };

    private static Type[] PublicTypes => typeof(Tensor).Assembly.GetExportedTypes();

    private static IEnumerable<string> TensorMembers() =>
        typeof(Tensor).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m is PropertyInfo || m is MethodInfo { IsSpecialName: false } || m is MethodInfo { Name: var n } && n.StartsWith("op_", StringComparison.Ordinal))
            .Select(m => m.Name)
            .Distinct();

    /// <summary>Everything that needs a parity test, by the name its [Parity] attribute uses.</summary>
    private static SortedSet<string> Required()
    {
        var required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in TensorMembers().Where(n => !NotOps.ContainsKey(n))) required.Add("Tensor." + name);
        foreach (var t in PublicTypes.Where(t => !t.IsAbstract && t.IsClass))
        {
            if (t.IsSubclassOf(typeof(Descent.Nn.Module)) && t.Namespace == "Descent.Nn") required.Add("Nn." + t.Name);
            if (t.IsSubclassOf(typeof(Loss))) required.Add("Loss." + t.Name);
            if (t.IsSubclassOf(typeof(Optimizer))) required.Add("Optim." + t.Name);
            if (t.IsSubclassOf(typeof(Schedule)) || t == typeof(ReduceLROnPlateau)) required.Add("Schedule." + t.Name);
        }
        return required;
    }

    /// <summary>Every [Parity] name on a test method of this assembly, with the tests that carry it.</summary>
    private static Dictionary<string, List<string>> Covered() =>
        typeof(CoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .SelectMany(m => m.GetCustomAttributes<ParityAttribute>().SelectMany(a => a.Names).Select(n => (Name: n, Test: $"{m.DeclaringType!.Name}.{m.Name}")))
            .GroupBy(p => p.Name)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Test).Distinct().ToList());

    [Fact]
    public void EveryPublicOpLayerLossOptimizerAndScheduleHasAParityTest()
    {
        var required = Required();
        var covered = Covered();
        foreach (var name in required)
            output.WriteLine($"{(covered.TryGetValue(name, out var tests) ? "yes" : "NO ")}  {name,-36} {(tests == null ? "" : string.Join(", ", tests))}");
        var missing = required.Where(n => !covered.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {required.Count} public items have no libtorch parity test: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryParityNameNamesSomethingPublic()
    {
        var known = Required();
        // Functional's functions are not required (the modules that call them are), but may be named.
        known.UnionWith(typeof(Functional).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => "Functional." + m.Name));
        var unknown = Covered().Keys.Where(n => !known.Contains(n)).Order().ToList();
        Assert.True(unknown.Count == 0, $"[Parity] names that match no public op, layer, loss, optimizer or schedule (typo, or an item that was removed): {string.Join(", ", unknown)}");
    }

    [Fact]
    public void ExclusionsNameRealTensorMembersAndOperatorsPointToCoveredOps()
    {
        var members = TensorMembers().ToHashSet();
        var stale = NotOps.Keys.Where(n => !members.Contains(n)).ToList();
        Assert.True(stale.Count == 0, $"excluded Tensor members that no longer exist: {string.Join(", ", stale)}");
        var covered = Covered();
        foreach (var (op, targets) in Operators)
            foreach (var target in targets)
                Assert.True(covered.ContainsKey(target), $"{op} is excluded as the operator form of {target}, which has no parity test");
        var unlisted = members.Where(n => n.StartsWith("op_", StringComparison.Ordinal) && !Operators.ContainsKey(n)).ToList();
        Assert.True(unlisted.Count == 0, $"operators with no named op they forward to: {string.Join(", ", unlisted)}");
    }
}
