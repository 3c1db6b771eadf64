using System.Diagnostics;

namespace RobotActors.Datasets.Video;

/// <summary>
/// The ffmpeg / ffprobe executables, found on PATH. Video features need them; image features never do.
/// </summary>
public static class Ffmpeg
{
    public static string? Find(string program = "ffmpeg")
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static bool IsAvailable => Find("ffmpeg") is not null && Find("ffprobe") is not null;

    public static string Require(string program = "ffmpeg")
        => Find(program) ?? throw new DatasetFormatException(
            $"The `{program}` executable is not on PATH, and video features need it to encode and decode MP4. " +
            "Install ffmpeg (e.g. `apt-get install ffmpeg`), or record cameras with the `image` dtype, which needs no external program.");

    /// <summary>Runs a program, feeding <paramref name="stdin"/>, and returns its standard output; fails with its stderr.</summary>
    public static async Task<byte[]> RunAsync(string program, IReadOnlyList<string> args, Func<Stream, Task>? stdin = null, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(Require(program))
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new DatasetFormatException($"Could not start {program}.");
        var stdout = new MemoryStream();
        var readOut = p.StandardOutput.BaseStream.CopyToAsync(stdout, ct);
        var readErr = p.StandardError.ReadToEndAsync(ct);
        if (stdin is not null)
        {
            try
            {
                await stdin(p.StandardInput.BaseStream);
            }
            catch (IOException)
            {
                // ffmpeg exited early; its stderr below says why.
            }
            finally
            {
                try
                {
                    p.StandardInput.Close();
                }
                catch (IOException)
                {
                }
            }
        }
        await readOut;
        string err = await readErr;
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new DatasetFormatException($"{program} {string.Join(' ', args)} failed (exit {p.ExitCode}): {err.Trim()}");
        return stdout.ToArray();
    }
}
