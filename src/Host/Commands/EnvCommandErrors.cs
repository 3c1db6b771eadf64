using RobotActors.Datasets.Format;
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

    /// <summary>
    /// A dataset's folder, which need not exist yet (record creates it): --dataset.root, else
    /// $HF_LEROBOT_HOME/&lt;repo_id&gt; by LeRobot's rule (<see cref="LeRobotHome"/>).
    /// </summary>
    public static string DatasetRoot(string? root, string? repoId, string flag = "--dataset.root")
    {
        if (root is not null) return root;
        if (repoId is null) throw new ArgumentException($"give {flag} (the dataset folder) or a repo id.");
        return LeRobotHome.DatasetRoot(repoId);
    }
}
