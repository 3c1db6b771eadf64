using RobotActors.Datasets;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Host.Commands;

/// <summary>
/// Error handling of the environment commands (record, replay, eval, crop-dataset-roi): one line naming the
/// problem; exit 2 for a bad config or usage (nothing was started), 1 for a failure while running.
/// </summary>
public static class EnvCommandErrors
{
    public static async Task<int> Run(Func<Task<int>> action, bool verbose)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is LeRobotConfigException or ArgumentException or PolicyConfigException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or DatasetFormatException
                                      or KeyNotFoundException or TimeoutException or NotSupportedException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitCodes.Failed;
        }
    }

    /// <summary>A dataset's folder: --dataset.root, else $HF_LEROBOT_HOME/&lt;repo_id&gt; (LeRobot's default place).</summary>
    public static string DatasetRoot(string? root, string? repoId, string flag = "--dataset.root")
    {
        if (root is not null) return root;
        if (repoId is null) throw new ArgumentException($"give {flag} (the dataset folder) or a repo id.");
        var home = Environment.GetEnvironmentVariable("HF_LEROBOT_HOME")
            ?? Path.Combine(Environment.GetEnvironmentVariable("HF_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface"), "lerobot");
        return Path.Combine(home, repoId);
    }
}
