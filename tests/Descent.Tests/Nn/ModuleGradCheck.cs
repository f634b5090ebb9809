using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>
/// Finite-difference check of a module's gradients with respect to its own parameters and its input:
/// GradCheck perturbs only tensors it is given, while a module's weights live inside it. The output is
/// projected on fixed random weights (summed in double) so sign and permutation errors show.
/// </summary>
internal static class ModuleGradCheck
{
    public static void Assert(Module module, Tensor input, bool checkInput = true, float eps = 1e-3f, double atol = 1e-2, double rtol = 1e-2)
    {
        var x = Tensor.FromArray(input.ToArray(), input.Shape).RequireGrad(checkInput);
        foreach (var p in module.Parameters()) p.Grad = null;
        var output = module.Forward(x);
        var weights = Tensor.Randn(output.Shape, new Generator(99));
        output.Backward(weights);

        double Projected()
        {
            using var _ = global::Descent.Autograd.NoGrad();
            var y = module.Forward(x).Data;
            var w = weights.Data;
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y[i] * w[i];
            return sum;
        }

        var targets = module.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).ToList();
        if (checkInput) targets.Add(("input", x));
        foreach (var (name, t) in targets)
        {
            var grad = t.Grad?.ToArray() ?? new float[t.Numel];
            var data = t.DataSpan;
            for (int j = 0; j < t.Numel; j++)
            {
                float original = data[j];
                data[j] = original + eps;
                double plus = Projected();
                data[j] = original - eps;
                double minus = Projected();
                data[j] = original;
                double numeric = (plus - minus) / (2.0 * eps);
                double tolerance = atol + rtol * Math.Abs(numeric);
                if (!(Math.Abs(grad[j] - numeric) <= tolerance))
                    Xunit.Assert.Fail($"{module.GetType().Name}: gradient of '{name}' element {j}: analytic {grad[j]:G7}, numeric {numeric:G7}");
            }
        }
    }
}
