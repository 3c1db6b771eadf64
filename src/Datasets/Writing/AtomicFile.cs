namespace RobotActors.Datasets.Writing;

/// <summary>
/// Write-then-rename with an fsync in between: a reader (or a crash) sees either the old file or the
/// new one, never half of one. This is what keeps saved episodes intact when a recorder is killed.
/// </summary>
public static class AtomicFile
{
    public static string TempPathFor(string path)
        => Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");

    public static void WriteAllText(string path, string text)
        => Write(path, s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write(text);
        });

    public static void Write(string path, Action<FileStream> write)
        => WriteAsync(path, s =>
        {
            write(s);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();

    public static async Task WriteAsync(string path, Func<FileStream, Task> write, string? startFrom = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = TempPathFor(path);
        try
        {
            if (startFrom is not null)
                File.Copy(startFrom, tmp, overwrite: true);
            await using (var fs = new FileStream(tmp, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                await write(fs);
                await fs.FlushAsync();
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Temporary files left by a killed writer; they never hold committed data.</summary>
    public static void RemoveLeftovers(string root)
    {
        if (!Directory.Exists(root))
            return;
        foreach (var f in Directory.EnumerateFiles(root, ".*.tmp", SearchOption.AllDirectories))
            TryDelete(f);
    }
}
