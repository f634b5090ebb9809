using Descent.Optim;
using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class VectorPathTests
{
    [Theory]
    [MemberData(nameof(AllNames), MemberType = typeof(OptimTestKit))]
    public void EachElementMatchesItsOwnOneElementRun(string name)
    {
        // 45 elements run through 16-lane vectors (where the rule and the CPU have them), full Vector<float>
        // vectors and a padded tail; one-element runs use only the tail. The update is element-wise, so every
        // element must come out bit-identical.
        var gen = new Generator(3);
        var init = Tensor.Randn([45], gen).ToArray();
        var grads = Enumerable.Range(0, 3).Select(_ => Tensor.Randn([45], gen).ToArray()).ToArray();

        var big = Param((float[])init.Clone());
        var bigOpt = Make(name, [big]);
        foreach (var g in grads) StepWith(bigOpt, big, g);

        for (int i = 0; i < init.Length; i++)
        {
            var one = Param(init[i]);
            var oneOpt = Make(name, [one]);
            foreach (var g in grads) StepWith(oneOpt, one, g[i]);
            Assert.Equal(one.Data[0], big.Data[i]);
        }
    }
}
