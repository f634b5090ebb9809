using System.Collections;
using System.Reflection;
using Descent.Nn;
using Module = Descent.Nn.Module;

namespace Descent.Tests.Nn;

/// <summary>
/// Modules register parameters, buffers and children explicitly; a field holding a Parameter, Tensor
/// or Module that was never registered would silently drop out of Parameters() and the state dict
/// (TorchSharp#532). These tests find such fields by reflection in every module of the library.
/// </summary>
public class RegistrationTests
{
    /// <summary>Fields of <paramref name="module"/> (and its base classes below Module) whose value is not registered.</summary>
    internal static List<string> UnregisteredFields(Module module)
    {
        var parameters = module.NamedParameters().Select(p => (object)p.Parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        var buffers = module.NamedBuffers().Select(b => (object)b.Buffer).ToHashSet(ReferenceEqualityComparer.Instance);
        var modules = module.NamedModules().Skip(1).Select(m => (object)m.Module).ToHashSet(ReferenceEqualityComparer.Instance);
        bool Registered(object value) => value switch
        {
            Parameter p => parameters.Contains(p),
            Module m => modules.Contains(m),
            Tensor t => buffers.Contains(t) || parameters.Contains(t),
            _ => true,
        };

        var problems = new List<string>();
        for (var type = module.GetType(); type != null && type != typeof(Module); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var value = field.GetValue(module);
                var items = value is IEnumerable sequence and not string ? sequence.Cast<object?>() : [value];
                foreach (var item in items)
                    if (item != null && !Registered(item))
                        problems.Add($"{type.Name}.{field.Name} ({item.GetType().Name})");
            }
        }
        return problems;
    }

    /// <summary>Builds an instance from the public constructor with the most parameters, using defaults where given.</summary>
    private static Module Construct(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : p.ParameterType switch
        {
            var t when t == typeof(int) => 3,
            var t when t == typeof(int[]) => new[] { 3 },
            var t when t == typeof(float) => 0.5f,
            var t when t == typeof(bool) => true,
            var t when t == typeof(Module[]) => new Module[] { new Linear(3, 3), new ReLU() },
            var t when t == typeof(Generator) => new Generator(0),
            var t when t == typeof(TransformerEncoderLayer) => new TransformerEncoderLayer(4, 2, 8),
            var t when t == typeof(TransformerDecoderLayer) => new TransformerDecoderLayer(4, 2, 8),
            var t when t == typeof(GptConfig) => new GptConfig(VocabSize: 5, BlockSize: 4, Layers: 2, Heads: 2, Width: 4),
            var t when t == typeof(Size2) || t == typeof(Size2?) => (object)new Size2(3, 3),
            _ => throw new InvalidOperationException($"The registration test cannot build {type.Name}: teach it a value for parameter '{p.Name}' of type {p.ParameterType.Name}"),
        }).ToArray();
        return (Module)ctor.Invoke(args);
    }

    private static IEnumerable<Type> LibraryModules() => typeof(Module).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Module)) && !t.IsAbstract).OrderBy(t => t.FullName);

    [Fact]
    public void Every_library_module_registers_all_its_parameter_buffer_and_module_fields()
    {
        var types = LibraryModules().ToList();
        // Guard against a vacuous scan: the layers this area ships must be among the modules checked.
        foreach (var expected in new[] { typeof(Linear), typeof(BatchNorm1d), typeof(BatchNorm2d), typeof(LayerNorm), typeof(Embedding), typeof(Sequential), typeof(Dropout), typeof(GELU) })
            Assert.Contains(expected, types);
        var problems = types.SelectMany(t => UnregisteredFields(Construct(t)).Select(p => $"{t.Name}: {p}")).ToList();
        Assert.True(problems.Count == 0, "Unregistered fields:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_scan_sees_through_nested_modules()
    {
        var seq = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
        Assert.Empty(UnregisteredFields(seq));
        Assert.Equal(4 + 3, seq.StateDict().Count);
    }

    private sealed class Forgetful : Module
    {
        private readonly Parameter _registered;
        private readonly Parameter _forgottenWeight = new(Tensor.Zeros(2));
        private readonly Linear _forgottenChild = new(2, 2);
        private readonly Tensor _forgottenState = Tensor.Zeros(1);
        private readonly List<Module> _forgottenList = [new ReLU()];
        public Tensor? Scratch { get; set; }

        public Forgetful()
        {
            _registered = RegisterParameter("weight", Tensor.Ones(2));
            Scratch = _registered;
        }

        public override Tensor Forward(Tensor input) => input * _registered + _forgottenWeight + _forgottenChild.Forward(input) + _forgottenState;
    }

    [Fact]
    public void A_module_with_unregistered_fields_is_caught()
    {
        var problems = UnregisteredFields(new Forgetful());
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("_forgottenWeight") && p.Contains("Parameter"));
        Assert.Contains(problems, p => p.Contains("_forgottenChild") && p.Contains("Linear"));
        Assert.Contains(problems, p => p.Contains("_forgottenState") && p.Contains("Tensor"));
        Assert.Contains(problems, p => p.Contains("_forgottenList") && p.Contains("ReLU"));
        Assert.DoesNotContain(problems, p => p.Contains("_registered") || p.Contains("Scratch"));
    }
}
