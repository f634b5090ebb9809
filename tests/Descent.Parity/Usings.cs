global using Xunit;
global using Descent;
