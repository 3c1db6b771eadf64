using System.Text.Json.Nodes;
using RobotActors.Devices.Cameras;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Devices.Workcell.Tasks;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Rl.Env;

/// <summary>How a command wants its environment: who operates it, on what clock, with which seed.</summary>
public sealed record RobotEnvironmentOptions
{
    /// <summary>The configured teleoperator (record, teleoperate) or none (replay, eval of a policy).</summary>
    public bool UseTeleoperator { get; init; } = true;
    /// <summary>No policy runs: the operator drives every tick (lerobot-record, teleoperate).</summary>
    public bool OperatorAlwaysInControl { get; init; }
    /// <summary>Add a simulated task's ground-truth reward and success (eval, replay on the sim).</summary>
    public bool UseEnvReward { get; init; }
    public int Seed { get; init; } = 1000;
    public string? ConfigFile { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>Where a keyboard teleoperator reads its keys (default: the terminal).</summary>
    public Stream? KeyboardInput { get; init; }
    /// <summary>Largest goal change per tick of the joint safety step (degrees; null: none beyond the joint limits).</summary>
    public double? MaxStepPerTick { get; init; } = 25;
    /// <summary>How old a camera frame may be (real robots).</summary>
    public TimeSpan MaxFrameAge { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>A simulated robot with a person at the controls runs in real time; else in lockstep (faster than real time, deterministic).</summary>
    public bool? SimRealTime { get; init; }
    /// <summary>Wraps the teleoperator the action processor reads (e.g. a console's intervention and episode buttons).</summary>
    public Func<ITeleoperator, ITeleoperator>? WrapTeleoperator { get; init; }
}

/// <summary>
/// A gym_manipulator environment opened from its config, on a real arm or — with env.robot.port "sim" — on the
/// simulated workcell, whose arm is the servo-bus emulator on a pseudo-terminal and whose cameras are rendered
/// at each configured camera's size, whatever its type. The same config runs on both: only the port, the URDF and
/// teleop.type "scripted" (the simulated operator) differ.
/// </summary>
public sealed class RobotEnvironment : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly string? _calibrationDir;

    private RobotEnvironment(HilSerlRobotEnvConfig config, Arm? arm, Workcell? workcell, IReadOnlyDictionary<string, ICamera> cameras,
        ITeleoperator teleop, ControlPipeline pipeline, GymManipulatorEnv env, string? calibrationDir)
    {
        Config = config;
        Arm = arm;
        Workcell = workcell;
        Cameras = cameras;
        Teleop = teleop;
        Pipeline = pipeline;
        Env = env;
        _calibrationDir = calibrationDir;
    }

    public HilSerlRobotEnvConfig Config { get; }
    /// <summary>The arm this environment opened itself; null when it runs on an arm somebody else owns (<see cref="OpenOn"/>).</summary>
    public Arm? Arm { get; }
    public Workcell? Workcell { get; }
    public bool IsSim => Workcell is not null;
    public IReadOnlyDictionary<string, ICamera> Cameras { get; }
    public ITeleoperator Teleop { get; }
    public ControlPipeline Pipeline { get; }
    public GymManipulatorEnv Env { get; }
    public IReadOnlyList<string> ActionNames => GymManipulatorProcessors.ActionNames(Pipeline.ActionProcessor);

    /// <summary>The processed observation's features (images C×H×W), e.g. a policy's input features or a dataset's.</summary>
    public Dictionary<string, Policies.Configs.PolicyFeature> ObservationFeatures() =>
        GymManipulatorProcessors.ObservationFeatures(Pipeline.EnvProcessor, Pipeline.Io.MotorNames.Count, Pipeline.Io.Cameras,
            (Pipeline.Io as ArmRobotIo)?.EnvironmentStateWidth ?? 0);

    /// <summary>The names of observation.state's entries: positions, then velocities, currents and the end effector as configured.</summary>
    public IReadOnlyList<string> StateNames()
    {
        var motors = Pipeline.Io.MotorNames;
        var names = motors.Select(m => m + ".pos").ToList();
        var o = Config.Processor.Observation;
        if (o.AddJointVelocityToObservation) names.AddRange(names.Select(n => n[..^4] + ".vel").ToList());
        if (o.AddCurrentToObservation) names.AddRange(motors.Select(m => m + ".current"));
        if (o.AddEePoseToObservation && Config.Processor.InverseKinematics is not null) names.AddRange(["ee.x", "ee.y", "ee.z"]);
        return names;
    }

    public static RobotEnvironment Open(HilSerlRobotEnvConfig config, RobotEnvironmentOptions options)
    {
        var robot = config.Robot ?? throw new LeRobotConfigException($"{options.ConfigFile ?? "config"}: env.robot is required: the arm (type, port) and its cameras.");
        Preflight(config, robot, options);
        return robot.IsSim ? OpenSim(config, robot, options) : OpenReal(config, robot, options);
    }

    /// <summary>
    /// The environment of a real arm whose devices belong to somebody else (a robot node's device actors): it reads and
    /// writes through <paramref name="io"/> and waits for each control period in real time. The config's robot section
    /// names nothing to open; <paramref name="teleop"/> is the operator the action processor reads (the robot's own
    /// teleoperator, or an idle one that a console's intervention and episode buttons wrap).
    /// </summary>
    public static RobotEnvironment OpenOn(HilSerlRobotEnvConfig config, IRobotIo io, ITeleoperator teleop, RobotEnvironmentOptions options)
    {
        if (config.Teleop?.Type == "scripted")
            throw new LeRobotConfigException($"{options.ConfigFile ?? "config"}: env.teleop.type \"scripted\" is the simulated operator; it needs a simulated robot (port \"sim\").");
        if (config.Processor.InverseKinematics is { } ik)
            GymManipulatorProcessors.ResolvePath(ik.UrdfPath, options.ConfigFile, "env.processor.inverse_kinematics.urdf_path");
        if (config.Processor.RewardClassifier?.PretrainedPath is { } classifier)
            GymManipulatorProcessors.ResolvePath(classifier, options.ConfigFile, "env.processor.reward_classifier.pretrained_path");
        return Build(config, options with { UseEnvReward = false }, null, null, new Dictionary<string, ICamera>(), teleop, io, new RealTimeClock(), null, null, []);
    }

    /// <summary>The files and camera settings a config names are checked before any device is opened or moved.</summary>
    private static void Preflight(HilSerlRobotEnvConfig config, EnvRobotConfig robot, RobotEnvironmentOptions options)
    {
        if (config.Processor.InverseKinematics is { } ik)
            GymManipulatorProcessors.ResolvePath(ik.UrdfPath, options.ConfigFile, "env.processor.inverse_kinematics.urdf_path");
        if (config.Processor.RewardClassifier?.PretrainedPath is { } classifier)
            GymManipulatorProcessors.ResolvePath(classifier, options.ConfigFile, "env.processor.reward_classifier.pretrained_path");
        if (!robot.IsSim)
            foreach (var (name, camera) in robot.Cameras) CameraFactory.Create(name, camera).Dispose();
    }

    private static RobotEnvironment OpenReal(HilSerlRobotEnvConfig config, EnvRobotConfig robot, RobotEnvironmentOptions options)
    {
        if (config.Teleop?.Type == "scripted" && options.UseTeleoperator)
            throw new LeRobotConfigException($"{options.ConfigFile ?? "config"}: env.teleop.type \"scripted\" is the simulated operator; it needs a simulated robot (env.robot.port \"sim\").");
        var owned = new List<IDisposable>();
        try
        {
            var arm = new Arm(robot.Arm);
            owned.Add(arm);
            ITeleoperator teleop = options.UseTeleoperator ? OpenTeleoperator(config, options, owned, workcell: null) : new IdleTeleoperator();
            arm.Connect();
            var cameras = CameraFactory.ConnectAll(robot.Cameras);
            owned.AddRange(cameras.Values);
            var io = new ArmRobotIo(arm, cameras, options.MaxFrameAge);
            return Build(config, options, arm, null, cameras, teleop, io, new RealTimeClock(), null, null, owned);
        }
        catch
        {
            foreach (var d in Enumerable.Reverse(owned)) d.Dispose();
            throw;
        }
    }

    private static RobotEnvironment OpenSim(HilSerlRobotEnvConfig config, EnvRobotConfig robot, RobotEnvironmentOptions options)
    {
        var owned = new List<IDisposable>();
        var calibration = Directory.CreateTempSubdirectory("robotactors-sim-").FullName;
        try
        {
            var workcell = new Workcell(new WorkcellOptions
            {
                Robot = robot.Arm.Type, Task = SimTask(config, options), Seed = options.Seed,
                ResetJoints = config.Processor.Reset.FixedResetJointPositions,
            });
            owned.Add(workcell);
            workcell.SaveCalibration(calibration, "sim");
            var arm = new Arm(robot.Arm with { Port = workcell.PortPath, Id = "sim", CalibrationDir = calibration, PacketTimeout = TimeSpan.FromMilliseconds(500) });
            owned.Add(arm);
            ITeleoperator teleop = options.UseTeleoperator ? OpenTeleoperator(config, options, owned, workcell) : new IdleTeleoperator();
            var realTime = options.SimRealTime ?? (options.UseTeleoperator && teleop is not ScriptedOperator);
            arm.Connect();
            var cameras = new Dictionary<string, ICamera>();
            foreach (var (name, c) in robot.Cameras)
            {
                var camera = workcell.Camera(name, c.Width ?? 128, c.Height ?? 128, c.Fps ?? 30);
                cameras[name] = camera;
                owned.Add(camera);
            }
            IControlClock clock;
            if (realTime)
            {
                workcell.StartRealTime();
                clock = new RealTimeClock();
            }
            else
            {
                clock = new LockstepClock(workcell);
            }
            foreach (var camera in cameras.Values) camera.Connect();
            var io = new ArmRobotIo(arm, cameras, options.MaxFrameAge, () =>
            {
                var s = workcell.State();
                return new TaskSignal(s.Reward, s.Success);
            }, () => Array.ConvertAll(workcell.EnvironmentState(), v => (float)v)); // LeRobot's sim envs give the object's position as environment_state
            return Build(config, options, arm, workcell, cameras, teleop, io, clock, new WorkcellWorld(workcell), calibration, owned);
        }
        catch
        {
            foreach (var d in Enumerable.Reverse(owned)) d.Dispose();
            Directory.Delete(calibration, true);
            throw;
        }
    }

    private static RobotEnvironment Build(HilSerlRobotEnvConfig config, RobotEnvironmentOptions options, Arm? arm, Workcell? workcell,
        Dictionary<string, ICamera> cameras, ITeleoperator teleop, IRobotIo io, IControlClock clock, IEpisodeWorld? world, string? calibrationDir,
        List<IDisposable> owned)
    {
        ITeleoperator stepTeleop = options.OperatorAlwaysInControl ? new TeleoperatorInControl(teleop) : teleop;
        if (options.WrapTeleoperator is { } wrap) stepTeleop = wrap(stepTeleop);
        var (envProcessor, actionProcessor) = GymManipulatorProcessors.Make(config, stepTeleop, io.MotorNames, options.Device, options.ConfigFile);
        var safety = new SafetyStep(new SafetyLimits { Joints = io.JointLimits, MaxStepPerTick = options.MaxStepPerTick });
        var pipeline = new ControlPipeline(io, envProcessor, actionProcessor, safety, options.UseEnvReward);
        var environment = new RobotEnvironment(config, arm, workcell, cameras, teleop, pipeline, new GymManipulatorEnv(pipeline, clock, config, world), calibrationDir);
        environment._owned.AddRange(owned);
        if (teleop is not IdleTeleoperator && arm is not null) environment._owned.Add(teleop);
        environment.ObservationFeatures(); // crop boxes and a reward classifier checked against the cameras before anything moves
        return environment;
    }

    /// <summary>The workcell task of a simulated env: env.task when it names one, else pick_lift_cube.</summary>
    private static string SimTask(HilSerlRobotEnvConfig config, RobotEnvironmentOptions options)
    {
        var known = new[] { WorkcellTask.ReachCube, WorkcellTask.PushCube, WorkcellTask.PickLiftCube };
        if (config.Task is null) return WorkcellTask.PickLiftCube;
        return known.Contains(config.Task) ? config.Task
            : throw new LeRobotConfigException($"{options.ConfigFile ?? "config"}: env.task \"{config.Task}\" is not a task of the simulated workcell; use one of {string.Join(", ", known)} (or null for pick_lift_cube).");
    }

    private static ITeleoperator OpenTeleoperator(HilSerlRobotEnvConfig config, RobotEnvironmentOptions options, List<IDisposable> owned, Workcell? workcell)
    {
        var t = config.Teleop ?? throw new LeRobotConfigException($"{options.ConfigFile ?? "config"}: env.teleop is required here: gamepad, keyboard_ee, a leader arm or (on the sim) scripted.");
        switch (t.Type)
        {
            case "scripted":
                return new ScriptedOperator(workcell!, ScriptedOptions(config, t.ScriptedOptions ?? new JsonObject(), options));
            case "gamepad":
                var device = JoystickDevice.FindFirst() ?? throw new IOException("No gamepad found under /dev/input/js*; plug it in (see `robotactors doctor`).");
                return new GamepadTeleoperator(new JoystickDevice(device), new GamepadConfig { UseGripper = t.UseGripper });
            case "keyboard" or "keyboard_ee":
                return new KeyboardTeleoperator(options.KeyboardInput ?? Console.OpenStandardInput(), rawTerminal: options.KeyboardInput is null);
            default:
                var leader = new Arm(t.Leader!);
                owned.Add(leader);
                leader.Connect();
                return new LeaderArmTeleoperator(leader);
        }
    }

    /// <summary>env.teleop's keys for the scripted operator; it moves with the pipeline's step sizes and inside its bounds.</summary>
    private static ScriptedOperatorOptions ScriptedOptions(HilSerlRobotEnvConfig config, JsonObject json, RobotEnvironmentOptions options)
    {
        var source = new ConfigSource(options.ConfigFile ?? "config");
        var s = new ConfigSection(json, "env.teleop", source);
        s.Bool("use_gripper", true);
        var ik = config.Processor.InverseKinematics
            ?? throw new LeRobotConfigException($"{options.ConfigFile ?? "config"}: env.teleop.type \"scripted\" moves the end effector: env.processor.inverse_kinematics is required.");
        var defaults = new ScriptedOperatorOptions();
        var result = new ScriptedOperatorOptions
        {
            Noise = s.Double("noise", defaults.Noise),
            Gain = s.Double("gain", defaults.Gain),
            Intervention = ScriptedOperatorOptions.ParseMode(s.String("intervention", "always")!),
            InterventionRate = s.Double("intervention_rate", defaults.InterventionRate),
            InterventionSeconds = s.Double("intervention_seconds", defaults.InterventionSeconds),
            StuckSeconds = s.Double("stuck_seconds", defaults.StuckSeconds),
            NoProgressSeconds = s.Double("no_progress_seconds", defaults.NoProgressSeconds),
            GiveUpSeconds = s.Double("give_up_seconds", defaults.GiveUpSeconds),
            Seed = s.Int("seed", options.Seed),
            StepSizes = ik.StepSizes, BoundsMin = ik.BoundsMin, BoundsMax = ik.BoundsMax, Fps = config.Fps,
        };
        s.Done();
        return result;
    }

    public void Dispose()
    {
        Workcell?.StopRealTime();
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        if (_calibrationDir is not null && Directory.Exists(_calibrationDir)) Directory.Delete(_calibrationDir, true);
    }

    /// <summary>Lockstep: a control period is booked on the workcell's clock and runs at the next bus read.</summary>
    private sealed class LockstepClock(Workcell workcell) : IControlClock
    {
        public void Tick(TimeSpan period) => workcell.Advance(period.TotalSeconds);
    }

    /// <summary>A new episode: the cube at the seed's place, the arm at the reset joints (teleported; no trajectory needed).</summary>
    private sealed class WorkcellWorld(Workcell workcell) : IEpisodeWorld
    {
        public void BeginEpisode(int? seed) => workcell.Reset(seed);
        public bool PlacesArm => true;
    }
}
