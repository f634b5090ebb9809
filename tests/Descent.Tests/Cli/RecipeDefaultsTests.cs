using System.Text.Json;
using Descent.Training;

namespace Descent.Tests.Cli;

/// <summary>`descent train --data D --model M` with no other flag is the recipe of (D, M); each flag changes only its field.</summary>
public class RecipeDefaultsTests
{
    public static TheoryData<string, string> Pairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var r in Recipes.All) pairs.Add(r.Data, r.Name);
        return pairs;
    }

    private static (string FirstLine, JsonElement Plan) DryRun(params string[] args)
    {
        var run = CliRunner.Run(["train", .. args, "--dry-run", "--json"]);
        Assert.Equal("", run.Stderr);
        Assert.Equal(0, run.ExitCode);
        return (run.Stdout.Split('\n')[0], run.Json());
    }

    private static void AssertPlanIs(Recipe r, JsonElement plan)
    {
        Assert.Equal(r.Title, plan.GetProperty("recipe").GetString());
        Assert.Equal(r.Data, plan.GetProperty("data").GetString());
        Assert.Equal(r.Model.ToString(), plan.GetProperty("model").GetString());
        Assert.Equal(r.Epochs, plan.GetProperty("epochs").GetInt32());
        Assert.Equal(r.BatchSize, plan.GetProperty("batch_size").GetInt32());
        Assert.Equal(r.Optimizer, plan.GetProperty("optimizer").GetString());
        Assert.Equal(r.Lr, plan.GetProperty("lr").GetSingle());
        Assert.Equal(r.Schedule, plan.GetProperty("schedule").GetString());
        Assert.Equal(r.WeightDecay, plan.GetProperty("weight_decay").GetSingle());
        Assert.Equal(r.Shift, plan.GetProperty("augment").GetInt32());
        Assert.Equal(r.Dropout, plan.GetProperty("dropout").GetSingle());
        Assert.Equal(r.LabelSmoothing, plan.GetProperty("label_smoothing").GetSingle());
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Data_and_model_alone_are_the_recipe_and_the_tool_names_it(string data, string model)
    {
        var recipe = Recipes.Find(data, model)!;
        var (line, plan) = DryRun("--data", data, "--model", model);
        Assert.Equal($"recipe: {recipe.Describe()}", line);
        AssertPlanIs(recipe, plan);
    }

    [Fact]
    public void Without_model_the_data_s_mlp_recipe_is_trained()
    {
        var (_, plan) = DryRun("--data", "mnist-idx");
        AssertPlanIs(Recipes.MnistMlp, plan);
    }

    [Fact]
    public void Each_flag_changes_only_its_field_and_is_named()
    {
        var (line, plan) = DryRun("--data", "fashion-mnist", "--model", "cnn", "--epochs", "2", "--augment", "0", "--label-smoothing", "0");
        AssertPlanIs(Recipes.FashionCnn with { Epochs = 2, Shift = 0, LabelSmoothing = 0 }, plan);
        Assert.EndsWith("; changed by --epochs 2, --label-smoothing 0, --augment 0", line);
        var (_, spec) = DryRun("--data", "mnist", "--model", "cnn:8,16", "--lr", "0.01");
        AssertPlanIs(Recipes.DigitsCnn with { Model = Descent.Nn.ModelSpec.Parse("cnn:8,16"), Lr = 0.01f }, spec);
    }

    [Fact]
    public void Data_without_recipes_keeps_the_plain_defaults()
    {
        var (line, plan) = DryRun("--data", "moons");
        Assert.Equal("recipe: none for --model mlp:256,128 on moons; the flags and their defaults", line);
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("recipe").ValueKind);
        Assert.Equal(("adam", 10, 64), (plan.GetProperty("optimizer").GetString(), plan.GetProperty("epochs").GetInt32(), plan.GetProperty("batch_size").GetInt32()));
    }

    [Fact]
    public void A_recipe_name_of_another_data_set_is_refused_naming_the_recipes_there()
    {
        var run = CliRunner.Run("train", "--data", "mnist", "--model", "cnn-long", "--dry-run");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--model cnn-long is a recipe of fashion-mnist only; mnist has mlp, cnn", run.Stderr);
    }
}
