namespace RobotActors.Actors.Configuration;

/// <summary>How a robot's session journals steps (robotactors.session).</summary>
/// <param name="DurabilityDeadline">A step should be durable this long after its tick; later ones are counted as late.</param>
/// <param name="MaxBatchSteps">Most steps in one journal write.</param>
/// <param name="SnapshotEvery">Events between snapshots of the session state, so recovery replays few events.</param>
/// <param name="MaxPendingSteps">Steps held while the journal is behind; beyond this, steps are refused (the journal is failing).</param>
public sealed record SessionSettings(TimeSpan DurabilityDeadline, int MaxBatchSteps, int SnapshotEvery, int MaxPendingSteps)
{
    public static readonly SessionSettings Default = new(TimeSpan.FromMilliseconds(250), 64, 200, 10_000);

    internal static SessionSettings Read(SettingsReader r, string p) => new(
        r.Duration(p + "durability-deadline"), r.Int(p + "max-batch-steps", 1, 10_000), r.Int(p + "snapshot-every", 1, 1_000_000),
        r.Int(p + "max-pending-steps", 1, 10_000_000));
}

/// <summary>How steps travel from a robot's session to the learner's transition inbox (robotactors.transitions).</summary>
/// <param name="MaxBatchBytes">A batch on the wire holds at most this many bytes of steps (one step alone may exceed it and is then chunked).</param>
/// <param name="ChunkBytes">Reliable delivery splits a message larger than this into chunks; must stay below maximum-frame-size.</param>
/// <param name="FlowControlWindow">Batches in flight between one robot and the inbox before the robot waits for confirmations.</param>
/// <param name="TailCacheBytes">Bytes of recent durable steps a feeder keeps in memory for a learner that keeps up; older ones are read back from the journal.</param>
/// <param name="LearnerMissingWarning">A robot with no learner to send to for this long says so in its log (once per absence).</param>
public sealed record TransitionSettings(long MaxBatchBytes, long ChunkBytes, int FlowControlWindow, long TailCacheBytes, TimeSpan LearnerMissingWarning)
{
    public static readonly TransitionSettings Default = new(1 << 20, 1 << 20, 16, 16 << 20, TimeSpan.FromSeconds(30));

    internal static TransitionSettings Read(SettingsReader r, string p) => new(
        r.Bytes(p + "max-batch-bytes", 1024, 64 << 20), r.Bytes(p + "chunk-size", 16 << 10, 3 << 20), r.Int(p + "flow-control-window", 1, 1000),
        r.Bytes(p + "tail-cache", 0, 1L << 34), r.Duration(p + "learner-missing-warning"));
}

/// <summary>How policy weights travel from the learner to every robot (robotactors.weights).</summary>
/// <param name="PushInterval">How often the learner announces its newest weights (LeRobot's policy_parameters_push_frequency).</param>
/// <param name="ChunkBytes">Weights are fetched in chunks of this size; must stay below maximum-frame-size.</param>
/// <param name="FetchTimeout">A chunk not answered within this is asked for again.</param>
public sealed record WeightsSettings(TimeSpan PushInterval, long ChunkBytes, TimeSpan FetchTimeout)
{
    public static readonly WeightsSettings Default = new(TimeSpan.FromSeconds(4), 1 << 20, TimeSpan.FromSeconds(5));

    internal static WeightsSettings Read(SettingsReader r, string p) => new(
        r.Duration(p + "push-interval"), r.Bytes(p + "chunk-size", 16 << 10, 3 << 20), r.Duration(p + "fetch-timeout"));
}

/// <summary>
/// How a robot's control loop runs its HIL-SERL session (robotactors.control).
/// </summary>
/// <param name="AutoStart">Start a session on every robot of the node when it starts (the embedded default does).</param>
/// <param name="SimLockstep">A simulated robot steps its world in lockstep with the loop, as fast as the machine allows, instead of in real time.</param>
public sealed record ControlSettings(bool AutoStart, bool SimLockstep)
{
    public static readonly ControlSettings Default = new(false, false);

    internal static ControlSettings Read(SettingsReader r, string p) => new(
        r.Bool(p + "auto-start"), r.OneOf(p + "sim-clock", "real-time", "lockstep") == "lockstep");
}

/// <summary>robotactors.inference: what a node with role "policy" serves.</summary>
/// <param name="PolicyPath">A pretrained policy folder; empty: the server answers every request with why it has none.</param>
public sealed record InferenceSettings(string PolicyPath)
{
    public static readonly InferenceSettings Default = new("");

    internal static InferenceSettings Read(SettingsReader r, string p) => new(r.String(p + "policy-path"));
}
