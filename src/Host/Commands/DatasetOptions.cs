using System.CommandLine;
using RobotActors.Datasets.Format;

namespace RobotActors.Host.Commands;

/// <summary>
/// LeRobot's --dataset.repo_id and --dataset.root, for every command that reads or writes a dataset: the root
/// is --dataset.root when given, else $HF_LEROBOT_HOME/&lt;repo_id&gt; (see <see cref="LeRobotHome"/>).
/// </summary>
public sealed class DatasetOptions
{
    public Option<string?> RepoId { get; } = new("--dataset.repo_id") { Description = "Dataset id, <owner>/<name>; read from $HF_LEROBOT_HOME/<repo_id> (default ~/.cache/huggingface/lerobot) unless --dataset.root is given" };
    public Option<string?> Root { get; } = new("--dataset.root") { Description = "Folder of a LeRobot v3.0 dataset (overrides the place --dataset.repo_id points to)" };

    public void AddTo(Command command)
    {
        command.Add(RepoId);
        command.Add(Root);
    }

    public string? RepoIdOf(ParseResult parse) => parse.GetValue(RepoId);

    /// <summary>The dataset folder; throws an ArgumentException saying what to pass when neither option is given.</summary>
    public string Resolve(ParseResult parse) => LeRobotHome.ResolveDatasetRoot(parse.GetValue(Root), parse.GetValue(RepoId));

    /// <summary>Whether either option was given (a resume may take the dataset from its train_config.json instead).</summary>
    public bool IsGiven(ParseResult parse) => parse.GetValue(Root) is not null || parse.GetValue(RepoId) is not null;
}
