#:project ../src/Descent.Tutorial/Descent.Tutorial.csproj
#:project ../src/Descent.Plots/Descent.Plots.csproj

// Lesson 04, gradient descent by hand with autograd: instead of scoring every (a, b), stand somewhere on the
// landscape, ask which way is downhill, and take a step that way; then repeat.
// Run it from the repository root with `dotnet run lessons/04-gradient-descent-by-hand.cs [figures-folder]`.
//
// "Which way is downhill" is the gradient of the loss, (∂loss/∂a, ∂loss/∂b). We take the first step ourselves,
// letting autograd find the gradient and checking it against the calculus, then hand the loop to
// LineDescent.Run (the loop `descent demo` runs) and watch it walk down the valley of lesson 03.

using System.Globalization;
using Descent;
using Descent.Plots;
using Descent.Tutorial;

string figures = Directory.CreateDirectory(args.Length > 0 ? args[0] : "figures").FullName;
var settings = new LineSettings();
var result = LinearRegressionStory.Run(settings);
var (x, y) = LinearRegressionStory.Data(settings, new Generator(settings.Seed));
float lr = settings.LearningRate;

// Mark a and b as parameters: every operation on them is recorded, so Backward() can apply the chain rule.
var a = Tensor.Scalar(result.StartA).RequireGrad();
var b = Tensor.Scalar(result.StartB).RequireGrad();
var loss = (a * x + b - y).Square().Mean();
loss.Backward();
Console.WriteLine($"Start: a = {F(a.Item())}, b = {F(b.Item())}, loss {F(loss.Item())}");
Console.WriteLine($"autograd: ∂loss/∂a = {F(a.Grad!.Item())}, ∂loss/∂b = {F(b.Grad!.Item())}");
using (Autograd.NoGrad())
{
    // The same derivatives by calculus: d/da mean(e²) = 2·mean(e·x) and d/db mean(e²) = 2·mean(e), with e = a·x + b − y.
    var error = a * x + b - y;
    Console.WriteLine($"calculus: ∂loss/∂a = {F((2 * (error * x).Mean()).Item())}, ∂loss/∂b = {F((2 * error.Mean()).Item())}");
    // One step against the gradient, scaled by the learning rate.
    a.SubInPlace(a.Grad! * lr);
    b.SubInPlace(b.Grad! * lr);
}
Console.WriteLine($"After one step of lr = {lr}: a = {F(a.Item())}, b = {F(b.Item())}");
var paths = LinePaths.Of(result);   // every step of the library's descent from the same start
var path = paths.Main.Steps;
Console.WriteLine($"by hand a1 = {R(a.Item())}");
Console.WriteLine($"library a1 = {R(path[1].A)}");

Console.WriteLine();
Console.WriteLine($"The library's loop takes {result.Main.Steps} such steps (zeroing the gradients after each):");
foreach (var s in path.Where(s => LineDescent.IsSnapshotStep(s.Step)))
    Console.WriteLine($"  step {s.Step,4}   a = {F(s.A),8}   b = {F(s.B),8}   loss {F(s.Loss),10}");
Console.WriteLine($"It ends at a = {F(result.Main.A)}, b = {F(result.Main.B)}; least squares says a = {result.Theory.LeastSquaresA:0.0000}, " +
                  $"b = {result.Theory.LeastSquaresB:0.0000}.");

var w = LandscapeWindow.Of(result);
var surface = LossSurface.Mse(paths.X, paths.Y, w.AMin, w.AMax, w.BMin, w.BMax, LandscapeWindow.GridSteps);
TutorialFigures.Landscape(surface, new ParamPath($"lr = {lr}", paths.Main.A, paths.Main.B)).SavePng(Path.Combine(figures, "descent-path.png"));
TutorialFigures.PointsAndFit(paths.X, paths.Y, new LineParams(LineSettings.Slope, LineSettings.Intercept), new LineParams(result.Main.A, result.Main.B))
    .SavePng(Path.Combine(figures, "data-and-fit.png"));
Console.WriteLine($"figures: descent-path.png, data-and-fit.png in {figures}");

static string F(float value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
static string R(float value) => value.ToString("R", CultureInfo.InvariantCulture);
