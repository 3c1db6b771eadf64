using RobotActors.Devices.Cameras;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Rl.Tests.Env;

/// <summary>A control pipeline on the emulated arm, built from an env config the way the commands build it.</summary>
public static class PipelineRig
{
    public static HilSerlRobotEnvConfig EndEffectorConfig(TestArm arm, double[] min, double[] max, double step = 0.02,
        Func<HilSerlProcessorConfig, HilSerlProcessorConfig>? processor = null)
    {
        var p = new HilSerlProcessorConfig
        {
            InverseKinematics = new InverseKinematicsConfig { UrdfPath = arm.UrdfPath, BoundsMin = min, BoundsMax = max, StepSizes = [step, step, step] },
        };
        return new HilSerlRobotEnvConfig { Fps = 10, Processor = processor?.Invoke(p) ?? p };
    }

    public static ControlPipeline Make(TestArm arm, HilSerlRobotEnvConfig config, ITeleoperator teleop,
        IReadOnlyDictionary<string, ICamera>? cameras = null, double? maxStepPerTick = null)
    {
        var (env, action) = GymManipulatorProcessors.Make(config, teleop, arm.MotorNames);
        var io = new ArmRobotIo(arm.Arm, cameras ?? new Dictionary<string, ICamera>(), TimeSpan.FromSeconds(5));
        var safety = new SafetyStep(new SafetyLimits { Joints = arm.Arm.JointLimits(), MaxStepPerTick = maxStepPerTick });
        return new ControlPipeline(io, env, action, safety);
    }
}

/// <summary>A teleoperator whose action and events a test sets (the unit tests' stand-in for a person).</summary>
public sealed class TestTeleop : IEventTeleoperator
{
    public Dictionary<string, double> Action { get; set; } = new() { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 0, ["gripper"] = 1 };
    public Dictionary<TeleopEvent, bool> Events { get; } = Enum.GetValues<TeleopEvent>().ToDictionary(e => e, _ => false);
    public IReadOnlyList<string> ActionFeatures => Action.Keys.ToList();
    public Dictionary<string, double> GetAction() => new(Action);
    public Dictionary<TeleopEvent, bool> GetTeleopEvents() => new(Events);
    public void Dispose() { }
}
