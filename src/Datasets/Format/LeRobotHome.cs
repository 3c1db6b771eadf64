namespace RobotActors.Datasets.Format;

/// <summary>
/// Where LeRobot keeps datasets on disk: $HF_LEROBOT_HOME, else $HF_HOME/lerobot, else
/// ~/.cache/huggingface/lerobot; a dataset given by --dataset.repo_id alone lives at &lt;home&gt;/&lt;repo_id&gt;.
/// The one place commands resolve --dataset.repo_id / --dataset.root.
/// </summary>
public static class LeRobotHome
{
    public static string Root()
    {
        var home = Environment.GetEnvironmentVariable("HF_LEROBOT_HOME");
        if (!string.IsNullOrEmpty(home)) return home;
        var hf = Environment.GetEnvironmentVariable("HF_HOME");
        if (string.IsNullOrEmpty(hf))
            hf = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        return Path.Combine(hf, "lerobot");
    }

    /// <summary>&lt;home&gt;/&lt;repo_id&gt;; a repo id is "owner/name" (a bare name is accepted), never a path that leaves the home.</summary>
    public static string DatasetRoot(string repoId)
    {
        var parts = repoId.Split('/');
        if (repoId.Length == 0 || Path.IsPathRooted(repoId) || parts.Length > 2 || parts.Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"--dataset.repo_id '{repoId}' is not a repo id; write it as <owner>/<name> (e.g. lerobot/pusht), or give a folder with --dataset.root");
        return Path.Combine(Root(), repoId);
    }

    /// <summary>
    /// LeRobot's rule: --dataset.root when given, else $HF_LEROBOT_HOME/&lt;repo_id&gt;. With neither, or a
    /// repo id whose folder is not there (nothing is downloaded here), the error says what to pass.
    /// </summary>
    public static string ResolveDatasetRoot(string? root, string? repoId)
    {
        if (!string.IsNullOrEmpty(root)) return root;
        if (string.IsNullOrEmpty(repoId))
            throw new ArgumentException($"give --dataset.repo_id <owner>/<name> (a dataset under {Root()}, $HF_LEROBOT_HOME) or --dataset.root <folder>");
        var resolved = DatasetRoot(repoId);
        if (!File.Exists(Path.Combine(resolved, DatasetPaths.InfoPath)))
            throw new ArgumentException($"dataset '{repoId}' is not at {resolved} (--dataset.repo_id resolves under $HF_LEROBOT_HOME, here {Root()}); " +
                                        "this build does not download from the Hub: copy the dataset there, or give its folder with --dataset.root");
        return resolved;
    }
}
