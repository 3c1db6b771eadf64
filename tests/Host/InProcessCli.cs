namespace RobotActors.Host.Tests;

/// <summary>
/// Runs `robotactors ...` inside the test process, through the same entry point as the executable
/// (exit codes, error lines, --verbose), capturing its output. Console is process-wide, so tests that
/// use it belong to the "console" collection.
/// </summary>
public static class InProcessCli
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        await Gate.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            var code = await Cli.RunAsync(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Gate.Release();
        }
    }
}
