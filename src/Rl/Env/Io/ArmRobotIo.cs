using RobotActors.Devices.Cameras;
using RobotActors.Devices.Robots;

namespace RobotActors.Rl.Env.Io;

/// <summary>
/// The robot I/O of the command line: a connected <see cref="Arm"/> read and written directly, and cameras
/// read through their latest-frame caches (a frame older than <paramref name="maxFrameAge"/> is an error: a
/// stalled camera must not feed a policy old pictures). <paramref name="task"/> supplies a simulated task's
/// ground truth and <paramref name="environmentState"/> its environment_state.
/// </summary>
public sealed class ArmRobotIo(Arm arm, IReadOnlyDictionary<string, ICamera> cameras, TimeSpan maxFrameAge, Func<TaskSignal?>? task = null,
    Func<float[]>? environmentState = null) : IRobotIo
{
    public Arm Arm { get; } = arm;
    public IReadOnlyDictionary<string, ICamera> CameraDevices { get; } = cameras;
    public IReadOnlyList<string> MotorNames { get; } = arm.Motors.Select(m => m.Name).ToList();
    public IReadOnlyDictionary<string, (int Height, int Width)> Cameras { get; } = cameras.ToDictionary(kv => kv.Key, kv => (kv.Value.Height, kv.Value.Width));
    /// <summary>Width of observation.environment_state (0: none).</summary>
    public int EnvironmentStateWidth { get; } = environmentState?.Invoke().Length ?? 0;
    public IReadOnlyDictionary<string, (double Min, double Max)> JointLimits => Arm.JointLimits();

    /// <summary>The bus first, then the cameras, then the task: a simulated workcell runs its booked physics on the first bus read.</summary>
    public RobotReading Read(bool withCurrents)
    {
        var joints = Arm.GetObservation();
        var currents = withCurrents ? Arm.Bus.SyncRead("Present_Current", normalize: false, numRetry: Arm.Config.NumReadRetries) : null;
        var frames = new Dictionary<string, Frame>(CameraDevices.Count);
        foreach (var (name, camera) in CameraDevices) frames[name] = camera.ReadLatest(maxFrameAge);
        return new RobotReading { Joints = joints, Currents = currents, Frames = frames, Task = task?.Invoke(), EnvironmentState = environmentState?.Invoke() };
    }

    public void WriteGoals(IReadOnlyDictionary<string, double> goals) => Arm.SendAction(goals);
}
