using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Training;

/// <summary>The settings of one training run (LeRobot's TrainPipelineConfig fields we use).</summary>
public sealed record TrainOptions
{
    public required string OutputDir { get; init; }
    [ConfigRange(">= 1")] public long Steps { get; init; } = 100_000;
    [ConfigRange(">= 1")] public int BatchSize { get; init; } = 8;
    [ConfigRange(">= 1")] public long SaveFreq { get; init; } = 20_000;
    [ConfigRange(">= 1")] public long LogFreq { get; init; } = 200;
    public int Seed { get; init; } = 1000;
    public bool Resume { get; init; }
    public string? DatasetRoot { get; init; }
    /// <summary>LeRobot's dataset.repo_id, kept in train_config.json so a resume finds the dataset again.</summary>
    public string? DatasetRepoId { get; init; }

    /// <summary>
    /// On resume, the settings given explicitly ("steps", "log_freq", "save_freq", ...): they replace the run's
    /// own from its train_config.json; every other setting is the run's.
    /// </summary>
    public IReadOnlySet<string> ResumeOverrides { get; init; } = new HashSet<string>();

    /// <summary>LeRobot's --ema.*: an exponential moving average of the weights (off by default).</summary>
    public EmaConfig Ema { get; init; } = new();
}
