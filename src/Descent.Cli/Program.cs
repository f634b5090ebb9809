namespace Descent.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("descent: no command yet");
        return 2;
    }
}
