namespace RobotActors.Actors.Protocol;

// Questions and commands about robots. They cross nodes: the console's gateway may run on a node
// other than the one the robot is plugged into, so it asks every robot node's /user/robots.

/// <summary>
/// NotCalibrated: the device waits for a person to calibrate it (no calibration file, or an invalid one);
/// nothing is retried on the hardware until the file changes, and the detail says which command to run.
/// </summary>
public enum DeviceState { Connecting, Ready, Disconnected, NotCalibrated }

/// <summary>Asks a node's robots manager for the status of every robot it drives.</summary>
public sealed class ListRobots : IProtocolMessage
{
    public static readonly ListRobots Instance = new();
    private ListRobots() { }
}

public sealed record RobotList(string Node, IReadOnlyList<RobotStatusReport> Robots) : IProtocolMessage;

/// <summary>A message for one robot, routed by its id.</summary>
public interface IRobotMessage : IProtocolMessage
{
    string RobotId { get; }
}

public sealed record GetRobotStatus(string RobotId) : IRobotMessage;

/// <summary>A robot is Ready when every device is; NotCalibrated while any device waits for calibration; Disconnected while any device is lost and being reconnected.</summary>
public sealed record RobotStatusReport(string RobotId, string Type, string Port, DeviceState State, IReadOnlyList<DeviceStatusReport> Devices) : IProtocolMessage;

/// <summary>One device of a robot; the counters are those of the current connection.</summary>
public sealed record DeviceStatusReport(
    string Name, DeviceState State, string? Detail, int Reconnects, DateTimeOffset Since,
    long Transactions, long Timeouts, long CorruptPackets, long Retries, long Failures);

/// <summary>Reads one register (by LeRobot's name, e.g. Present_Position) from every motor of a robot.</summary>
public sealed record ReadMotors(string RobotId, string Register, bool Normalize = true) : IRobotMessage;

public sealed record MotorValues(string RobotId, string Register, IReadOnlyDictionary<string, double> Values) : IProtocolMessage;

/// <summary>
/// Writes one value to one register of some motors (all when <paramref name="Ids"/> is empty). Goal_Position is
/// in the arm's normalized units; every other register in raw units. The motor bus checks the whole write first
/// (register, range, joint limits) and writes nothing when any part is refused.
/// </summary>
public sealed record WriteMotors(string RobotId, string Register, double Value, IReadOnlyList<int> Ids) : IRobotMessage;

/// <summary>What a <see cref="WriteMotors"/> wrote, per motor name.</summary>
public sealed record MotorsWritten(string RobotId, string Register, IReadOnlyDictionary<string, double> Values) : IProtocolMessage;

public sealed record SetTorque(string RobotId, bool On) : IRobotMessage;

public sealed record TorqueSet(string RobotId, bool On) : IProtocolMessage;

/// <summary>The robot exists but could not do it (not Ready, bad register name, bus error).</summary>
public sealed record RobotCommandFailed(string RobotId, string Reason) : IProtocolMessage;

/// <summary>No robot with that id on the node that was asked.</summary>
public sealed record RobotNotFound(string RobotId) : IProtocolMessage;
