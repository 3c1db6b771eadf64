using RobotActors.Devices.Cameras;

namespace RobotActors.Rl.Env.Io;

/// <summary>
/// The ground truth a simulated task knows (never a policy input): LeRobot's env.step reward and termination.
/// A real robot has none; its rewards come from the operator and the reward classifier.
/// </summary>
public readonly record struct TaskSignal(double Reward, bool Success);

/// <summary>One reading of a robot: joint positions, optionally motor currents, the latest camera frames.</summary>
public sealed class RobotReading
{
    /// <summary>"shoulder_pan.pos" → degrees (gripper 0..100), in motor order.</summary>
    public required IReadOnlyDictionary<string, double> Joints { get; init; }
    /// <summary>Motor name → Present_Current (raw units), when they were asked for.</summary>
    public IReadOnlyDictionary<string, double>? Currents { get; init; }
    /// <summary>Camera name → its latest frame (height × width × channels, uint8, RGB).</summary>
    public IReadOnlyDictionary<string, Frame> Frames { get; init; } = new Dictionary<string, Frame>();
    public TaskSignal? Task { get; init; }
    /// <summary>
    /// A simulated world's environment_state (the workcell's cube centre x, y, z in metres), as LeRobot's sim envs
    /// give it; null on a real robot, which cannot see it.
    /// </summary>
    public float[]? EnvironmentState { get; init; }
}

/// <summary>
/// What the control pipeline needs from a robot, and nothing more: read the latest values, write goals.
/// The CLI implements it on an <see cref="Devices.Robots.Arm"/> and cameras (<see cref="ArmRobotIo"/>);
/// the control-loop actor of a real arm implements it on the latest readings its device actors publish, and turns
/// <see cref="WriteGoals"/> into a message to the bus actor. Neither call may wait for a device to become ready:
/// a reading that is missing or too old is a <see cref="StaleReadingException"/>.
/// </summary>
public interface IRobotIo
{
    /// <summary>Motor names in the robot's order ("shoulder_pan", ..., "gripper").</summary>
    IReadOnlyList<string> MotorNames { get; }

    /// <summary>Camera name → the frame size it is configured for.</summary>
    IReadOnlyDictionary<string, (int Height, int Width)> Cameras { get; }

    /// <summary>"shoulder_pan.pos" → (min, max) in the readings' units, from the arm's calibrated ranges: the safety step's joint limits.</summary>
    IReadOnlyDictionary<string, (double Min, double Max)> JointLimits { get; }

    RobotReading Read(bool withCurrents);

    /// <summary>Goal positions ("shoulder_pan.pos" → value) that passed the safety step.</summary>
    void WriteGoals(IReadOnlyDictionary<string, double> goals);
}
