using Akka.Configuration;

namespace RobotActors.Actors.Configuration;

/// <summary>Everything under <c>robotactors { }</c>, typed. Built once at startup by <see cref="FromConfig"/>.</summary>
public sealed record RobotActorsSettings(
    string SystemName,
    string DataDir,
    string LogLevel,
    NodeSettings Node,
    JournalSettings Journal,
    GatewaySettings Gateway,
    ConsoleSettings Console,
    PluginSettings Plugins,
    IReadOnlyList<RobotSettings> Robots,
    DeviceSettings Device,
    SessionSettings Session,
    TransitionSettings Transitions,
    WeightsSettings Weights,
    LearnerSettings Learner)
{
    public const string Root = "robotactors";

    /// <summary>robotactors.control: how robots run their sessions.</summary>
    public ControlSettings Control { get; init; } = ControlSettings.Default;

    /// <summary>robotactors.inference: the policy a node with role "policy" serves.</summary>
    public InferenceSettings Inference { get; init; } = InferenceSettings.Default;

    /// <summary>Reads and checks every setting; throws <see cref="SettingsException"/> naming the first bad key.</summary>
    public static RobotActorsSettings FromConfig(Config config)
    {
        var r = new SettingsReader(config);
        const string p = Root + ".";
        var systemName = r.String(p + "system-name");
        if (systemName.Length == 0 || !systemName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new SettingsException(p + "system-name", $"\"{systemName}\" is not a valid actor system name", "Use letters, digits, '-' and '_' only");

        return new RobotActorsSettings(
            systemName,
            r.String(p + "data-dir"),
            r.OneOf(p + "log-level", "DEBUG", "INFO", "WARNING", "ERROR"),
            NodeSettings.Read(r, p + "node."),
            JournalSettings.Read(r, p + "journal."),
            new GatewaySettings(r.Duration(p + "gateway.max-command-age")),
            new ConsoleSettings(r.Duration(p + "console.timeout")),
            new PluginSettings(r.String(p + "plugins.folder")),
            RobotSettings.ReadAll(config, p + "robots"),
            new DeviceSettings(r.Duration(p + "device.poll-interval"), r.Duration(p + "device.min-backoff"), r.Duration(p + "device.max-backoff"),
                r.Duration(p + "device.camera-max-age")),
            SessionSettings.Read(r, p + "session."),
            TransitionSettings.Read(r, p + "transitions."),
            WeightsSettings.Read(r, p + "weights."),
            LearnerSettings.Read(r, p))
        {
            Control = ControlSettings.Read(r, p + "control."),
            Inference = InferenceSettings.Read(r, p + "inference."),
        };
    }

    /// <summary>The data directory as an absolute path.</summary>
    public string DataPath => Path.GetFullPath(DataDir);
}

/// <param name="TorchThreads">Torch's CPU threads for the whole process (intra-op), set once at start.</param>
public sealed record NodeSettings(string Hostname, int Port, IReadOnlyList<string> Roles, IReadOnlyList<SeedNode> SeedNodes, TimeSpan ShutdownTimeout, int TorchThreads = 1)
{
    public static readonly string[] KnownRoles = ["robot", "learner", "policy", "rollout"];

    internal static NodeSettings Read(SettingsReader r, string p)
    {
        var roles = r.StringList(p + "roles");
        foreach (var role in roles)
            if (!KnownRoles.Contains(role))
                throw new SettingsException(p + "roles", $"unknown role \"{role}\"", $"Roles are: {string.Join(", ", KnownRoles)}");
        var seeds = r.StringList(p + "seed-nodes").Select(s => SeedNode.Parse(p + "seed-nodes", s)).ToList();
        return new NodeSettings(r.String(p + "hostname"), r.Int(p + "port", 0, 65535), roles, seeds, r.Duration(p + "shutdown-timeout"),
            r.Int(p + "torch-threads", 1, 64));
    }
}

/// <summary>A seed node written as "host:port".</summary>
public sealed record SeedNode(string Host, int Port)
{
    public static SeedNode Parse(string key, string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new SettingsException(key, $"\"{text}\" is not host:port", "Write each seed node as \"10.0.0.12:4053\"");
        return new SeedNode(text[..colon], port);
    }

    public override string ToString() => $"{Host}:{Port}";
}

public enum JournalBackend { Sqlite, Postgres }

public sealed record JournalSettings(JournalBackend Backend, SqliteJournalSettings Sqlite, PostgresJournalSettings Postgres)
{
    internal static JournalSettings Read(SettingsReader r, string p)
    {
        var backend = r.OneOf(p + "backend", "sqlite", "postgres") == "sqlite" ? JournalBackend.Sqlite : JournalBackend.Postgres;
        return new JournalSettings(
            backend,
            new SqliteJournalSettings(r.String(p + "sqlite.journal-file"), r.String(p + "sqlite.snapshot-file"), r.Duration(p + "sqlite.busy-timeout")),
            new PostgresJournalSettings(r.String(p + "postgres.connection-string"), r.String(p + "postgres.schema"), r.Int(p + "postgres.parallelism", 1, 64)));
    }
}

public sealed record SqliteJournalSettings(string JournalFile, string SnapshotFile, TimeSpan BusyTimeout);

public sealed record PostgresJournalSettings(string ConnectionString, string Schema, int Parallelism);

public sealed record GatewaySettings(TimeSpan MaxCommandAge);

public sealed record ConsoleSettings(TimeSpan Timeout);

public sealed record PluginSettings(string Folder);
