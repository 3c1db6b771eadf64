using System.Diagnostics;

namespace RobotActors.Datasets.Tests;

/// <summary>Runs tests/DatasetRecorderProcess as a child process and reads its progress lines.</summary>
public sealed class RecorderProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.BlockingCollection<string> _lines = [];

    public RecorderProcess(string root, string mode, int episodes)
    {
        string dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "DatasetRecorderProcess", "bin",
            new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "RobotActors.Datasets.RecorderProcess.dll"));
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Recorder helper not built at {dll}.");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(root);
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add(episodes.ToString());
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _lines.Add("ERR " + e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; fails on stderr output or timeout.</summary>
    public string WaitFor(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var line, 200))
            {
                if (line.StartsWith("ERR ", StringComparison.Ordinal))
                    throw new InvalidOperationException("Recorder process failed: " + line);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                    return line;
            }
            else if (_process.HasExited)
            {
                throw new InvalidOperationException($"Recorder process exited ({_process.ExitCode}) before printing '{prefix}'.");
            }
        }
        throw new TimeoutException($"Recorder process did not print '{prefix}' within {timeout}.");
    }

    /// <summary>SIGKILL: no finally blocks, no flush, exactly like a power cut for the process.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }
}
