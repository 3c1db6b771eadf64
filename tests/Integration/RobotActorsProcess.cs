using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RobotActors.Integration.Tests;

/// <summary>
/// The built `robotactors` executable run as a real process, with its output captured line by line.
/// </summary>
public sealed class RobotActorsProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    public string StdOut => string.Join('\n', _stdout);
    public string StdErr => string.Join('\n', _stderr);
    public int ExitCode => _process.ExitCode;

    private RobotActorsProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static RobotActorsProcess Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Executable);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["HOME"] = workingDirectory; // console history goes to the test's folder
        return new RobotActorsProcess(Process.Start(info)!);
    }

    /// <summary>Runs a command to completion and returns it (exit code and output captured).</summary>
    public static async Task<RobotActorsProcess> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var p = Start(workingDirectory, args);
        p._process.StandardInput.Close();
        await p.WaitForExitAsync(timeout);
        return p;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"robotactors did not exit within {timeout.TotalSeconds} s.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }
        _process.WaitForExit(); // flush the asynchronous output readers
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_stdout.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"robotactors never printed '{text}' (exited: {_process.HasExited}).\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
    }

    /// <summary>Types a line into the process's standard input.</summary>
    public Task WriteLineAsync(string line) => _process.StandardInput.WriteLineAsync(line);

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    public const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    /// <summary>The robotactors.dll built beside this test, in the same configuration.</summary>
    public static string Executable { get; } = FindExecutable();

    private static string FindExecutable()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory); // tests/Integration/bin/<Configuration>/<tfm>/
        var tfm = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RobotActors.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("RobotActors.sln not found above " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "src", "Host", "bin", configuration, tfm, "robotactors.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution first (dotnet build RobotActors.sln).");
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(dir.FullName, "RobotActors.sln"))) dir = dir.Parent!;
            return dir.FullName;
        }
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
