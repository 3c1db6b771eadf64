namespace RobotActors.Actors.Configuration;

/// <summary>
/// The learner's settings: the HIL-SERL train config that drives the session (robotactors.hilserl, shared with
/// the robot side) and where the learner keeps its checkpoints (robotactors.learner).
/// </summary>
/// <param name="ConfigPath">The LeRobot HIL-SERL train config (JSON with "policy", "algorithm", ...); empty: the learner stays idle.</param>
/// <param name="Overrides">LeRobot-style "--key=value" strings applied to that file.</param>
/// <param name="OutputDir">Checkpoints go to OutputDir/checkpoints; empty means data-dir/learner.</param>
/// <param name="ProgressInterval">How often the learner publishes its progress on "ra.learner.progress".</param>
/// <param name="MaxUpdatesPerSecond">A ceiling on SAC updates per second (0: none), for a learner sharing a small machine with robots.</param>
public sealed record LearnerSettings(string ConfigPath, IReadOnlyList<string> Overrides, string OutputDir, TimeSpan ProgressInterval, double MaxUpdatesPerSecond)
{
    public static readonly LearnerSettings Default = new("", [], "", TimeSpan.FromSeconds(2), 0);

    internal static LearnerSettings Read(SettingsReader r, string p)
    {
        var overrides = r.StringList(p + "hilserl.overrides");
        foreach (var o in overrides)
            if (!o.StartsWith("--", StringComparison.Ordinal) || !o.Contains('='))
                throw new SettingsException(p + "hilserl.overrides", $"\"{o}\" is not a --key=value override", "Write each one as \"--policy.online_step_before_learning=50\"");
        return new LearnerSettings(r.String(p + "hilserl.config-path"), overrides, r.String(p + "learner.output-dir"), r.Duration(p + "learner.progress-interval"),
            r.Double(p + "learner.max-updates-per-second", 0, 10_000));
    }

    /// <summary>The overrides as (dotted key, value) pairs, as TrainConfigReader takes them.</summary>
    public IEnumerable<KeyValuePair<string, string>> OverridePairs() => Overrides.Select(o =>
    {
        var eq = o.IndexOf('=', StringComparison.Ordinal);
        return new KeyValuePair<string, string>(o[2..eq], o[(eq + 1)..]);
    });

    /// <summary>The checkpoint folder's parent: OutputDir, or data-dir/learner.</summary>
    public string OutputPath(string dataPath) => Path.GetFullPath(OutputDir.Length > 0 ? OutputDir : Path.Combine(dataPath, "learner"));

    /// <summary>The train config's path: absolute as given, else relative to the working directory.</summary>
    public string? ConfigFullPath => ConfigPath.Length == 0 ? null : Path.GetFullPath(ConfigPath);
}
