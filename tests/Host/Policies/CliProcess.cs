using System.Diagnostics;

namespace RobotActors.Host.Tests.Policies;

/// <summary>Runs the built `robotactors` executable (or `dotnet`) as a real child process.</summary>
public static class CliProcess
{
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RobotActors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RobotActors.sln not found above the test folder");
    }

    public static (int Code, string Out, string Err) Run(string fileName, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish in {timeout}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public static (int Code, string Out, string Err) Robotactors(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "robotactors.dll"), .. args], TimeSpan.FromMinutes(3));
}
