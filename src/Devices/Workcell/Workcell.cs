using System.Diagnostics;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell.Geometry;
using RobotActors.Devices.Workcell.Physics;
using RobotActors.Devices.Workcell.Rendering;
using RobotActors.Devices.Workcell.Tasks;

namespace RobotActors.Devices.Workcell;

/// <summary>How a workcell's time advances.</summary>
public enum WorkcellClock
{
    /// <summary>Only when the caller calls <see cref="Workcell.Advance"/>: deterministic for a seed (eval, record, tests, bench).</summary>
    Lockstep,
    /// <summary>A driver thread follows the wall clock times a time scale (a node's control loop).</summary>
    RealTime,
}

/// <summary>
/// A simulated workcell: an SO-101 or SO-100 on a table with a cube, behind the servo-bus emulator.
/// The arm's joints are the emulated STS3215 servos on <see cref="PortPath"/> (a pseudo-terminal): the
/// robot stack talks Feetech protocol to them exactly as to a real arm, with the calibration written by
/// <see cref="SaveCalibration"/>, and the world moves their shafts.
///
/// Lockstep contract: <see cref="Advance"/> books time; the physics runs it when the next bus read
/// arrives (before the reply), so a goal the caller wrote before advancing always takes effect first,
/// however late the emulator thread sees the bytes. Ground-truth queries and cameras also run booked
/// time, so in a control step read the bus first (observation), then the cameras, then write the action,
/// then advance.
/// </summary>
public sealed class Workcell : IDisposable
{
    private readonly object _gate = new();
    private readonly ArmServos _servos;
    private long _targetSteps;
    private double _bookedSeconds;
    private Thread? _driver;
    private volatile bool _driving;
    private long _episode = -1;
    private long _lagSteps;
    private WorkcellScene? _scene;

    public Workcell(WorkcellOptions? options = null)
    {
        Options = options ?? new WorkcellOptions();
        var type = Options.Robot.EndsWith("_follower", StringComparison.Ordinal) ? Options.Robot : ArmModels.ModelName(Options.Robot) + "_follower";
        Spec = ArmSpec.For(type);
        if (Spec.Protocol != BusProtocol.Feetech || Spec.Role != ArmRole.Follower)
            throw new ArgumentException($"The workcell simulates SO-100/SO-101 followers; '{Options.Robot}' is not one.");
        UrdfPath = Options.UrdfPath ?? ArmModels.UrdfPath(type);
        Model = UrdfModel.Load(UrdfPath);
        var motors = Spec.Motors.Select(m => m.Name).ToArray();
        Mechanism = new ArmMechanism(Model, motors);
        World = new WorldPhysics(Mechanism, new CubeBody(Options.CubeSize, Options.CubeMass), Options.Physics);
        Task = Options.ResolveTask();
        Calibration = JointServoMap.DerivedCalibration(Mechanism, Spec);
        ResetJoints = Options.ResetJoints?.ToArray()
            ?? DefaultResetJoints(new RobotKinematics(Model, "gripper_frame_link", motors.Where(m => m != "gripper").ToList()));
        if (ResetJoints.Count != motors.Length)
            throw new ArgumentException($"reset joints: give {motors.Length} values ({string.Join(", ", motors)}), got {ResetJoints.Count}.");
        _servos = new ArmServos(Spec, World, Calibration, new Shaft(this));
        Emulator = new ServoBusEmulator(_servos.Servos, linkPath: Options.LinkPath);
        Reset();
    }

    public WorkcellOptions Options { get; }
    public ArmSpec Spec { get; }
    public string UrdfPath { get; }
    public UrdfModel Model { get; }
    public ArmMechanism Mechanism { get; }
    public WorldPhysics World { get; }
    public WorkcellTask Task { get; }
    public ServoBusEmulator Emulator { get; }
    /// <summary>The serial port the robot stack opens (the stable link when one was asked for).</summary>
    public string PortPath => Emulator.PortPath;
    /// <summary>The arm's LeRobot calibration, derived from the model's joint limits.</summary>
    public IReadOnlyDictionary<string, MotorCalibration> Calibration { get; }
    /// <summary>Where each episode starts, in the stack's units (degrees, gripper 0..100), motor order.</summary>
    public IReadOnlyList<double> ResetJoints { get; }
    public WorkcellClock Clock { get; private set; } = WorkcellClock.Lockstep;
    public double TimeScale { get; private set; } = 1;
    /// <summary>Physics steps the real-time driver could not run in time (it fell behind the wall clock).</summary>
    public long LagSteps => Interlocked.Read(ref _lagSteps);
    /// <summary>Simulated seconds since the workcell was made (all the time the physics has run).</summary>
    public double Time { get { lock (_gate) return World.Time; } }
    public long Episode => Interlocked.Read(ref _episode);
    public IReadOnlyList<string> MotorNames => Mechanism.JointNames;

    /// <summary>Writes the arm's calibration as LeRobot JSON to &lt;directory&gt;/&lt;id&gt;.json (where an ArmConfig with that CalibrationDir and Id looks).</summary>
    public string SaveCalibration(string directory, string id)
    {
        var path = Path.Combine(directory, id + ".json");
        CalibrationFile.Save(path, Calibration);
        return path;
    }

    /// <summary>
    /// Writes the arm's calibration where the robot stack will look for this config's arm: its
    /// calibration_dir, else LeRobot's calibration folder ($HF_LEROBOT_CALIBRATION/robots/so_follower/&lt;id&gt;.json).
    /// </summary>
    public string SaveCalibration(ArmConfig config)
    {
        using var arm = new Arm(config);
        CalibrationFile.Save(arm.CalibrationPath, Calibration);
        return arm.CalibrationPath;
    }

    // ---- time ----

    /// <summary>Lockstep: books <paramref name="seconds"/> of simulated time (run at the next bus read or query).</summary>
    public void Advance(double seconds)
    {
        if (!(seconds >= 0) || double.IsInfinity(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Advance takes a finite, non-negative time.");
        lock (_gate)
        {
            if (Clock != WorkcellClock.Lockstep)
                throw new InvalidOperationException("The workcell runs in real time; Advance is for lockstep mode. Call StopRealTime first.");
            _bookedSeconds += seconds;
            _targetSteps = (long)Math.Round(_bookedSeconds / World.Settings.TimeStep);
        }
    }

    /// <summary>Runs the booked time now (lockstep); nothing to do in real time.</summary>
    public void Synchronize()
    {
        if (_driving) return; // real time: the driver thread runs the physics; a bus read need not wait for its lock
        lock (_gate)
        {
            if (Clock != WorkcellClock.Lockstep || World.StepCount >= _targetSteps) return;
            _servos.ReadDrives();
            while (World.StepCount < _targetSteps) World.Step();
            _servos.PublishShafts();
        }
    }

    /// <summary>
    /// Switches to real time: a driver thread runs the physics at <paramref name="timeScale"/> × the wall clock
    /// (e.g. 1 for a node's control loop, 5 to run five times faster).
    /// </summary>
    public void StartRealTime(double timeScale = 1)
    {
        if (!(timeScale > 0) || double.IsInfinity(timeScale)) throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "time_scale must be positive.");
        lock (_gate)
        {
            if (_driving) throw new InvalidOperationException("The workcell already runs in real time.");
            Synchronize();
            Clock = WorkcellClock.RealTime;
            TimeScale = timeScale;
            _driving = true;
            _driver = new Thread(Drive) { IsBackground = true, Name = "workcell-physics" };
            _driver.Start();
        }
    }

    /// <summary>Back to lockstep: the driver thread stops; time stands until Advance.</summary>
    public void StopRealTime()
    {
        Thread? driver;
        lock (_gate)
        {
            if (!_driving) return;
            _driving = false;
            driver = _driver;
        }
        driver?.Join();
        lock (_gate)
        {
            Clock = WorkcellClock.Lockstep;
            _targetSteps = World.StepCount;
            _bookedSeconds = World.Time;
        }
    }

    private void Drive()
    {
        var clock = Stopwatch.StartNew();
        long startSteps;
        lock (_gate) startSteps = World.StepCount;
        var dt = World.Settings.TimeStep;
        const int maxStepsPerPass = 100; // bounds a pass so bus reads are not held up; the rest is counted as lag
        while (_driving)
        {
            lock (_gate)
            {
                var target = startSteps + (long)(clock.Elapsed.TotalSeconds * TimeScale / dt);
                var due = target - World.StepCount;
                if (due > 0)
                {
                    _servos.ReadDrives();
                    var run = Math.Min(due, maxStepsPerPass);
                    for (var i = 0; i < run; i++) World.Step();
                    _servos.PublishShafts();
                    if (due > maxStepsPerPass)
                    {
                        // Too slow for this time scale: drop the backlog rather than spiral, and count it.
                        Interlocked.Add(ref _lagSteps, due - run);
                        startSteps -= due - run;
                    }
                }
            }
            Thread.Sleep(1);
        }
    }

    private sealed class Shaft(Workcell workcell) : IServoShaft
    {
        public void BeforeRead() => workcell.Synchronize();
    }

    // ---- episodes ----

    /// <summary>
    /// Starts an episode: the cube at a random place in the task's spawn box (seeded: <paramref name="seed"/>,
    /// else Options.Seed + episode number), the arm at <paramref name="joints"/> (stack units; default
    /// <see cref="ResetJoints"/>) at rest, its servos' goals there so they hold it. Time keeps running.
    /// </summary>
    public void Reset(int? seed = null, IReadOnlyList<double>? joints = null)
    {
        lock (_gate)
        {
            Synchronize();
            var episode = Interlocked.Increment(ref _episode);
            var random = new Random(seed ?? unchecked(Options.Seed + (int)episode));
            var x = Task.SpawnMin[0] + random.NextDouble() * (Task.SpawnMax[0] - Task.SpawnMin[0]);
            var y = Task.SpawnMin[1] + random.NextDouble() * (Task.SpawnMax[1] - Task.SpawnMin[1]);
            var yaw = (random.NextDouble() * 2 - 1) * Task.SpawnYaw;
            World.PlaceCube(new Vec3(x, y, World.Cube.Half), yaw);
            _servos.Place(joints ?? ResetJoints);
        }
    }

    /// <summary>Puts the cube somewhere at rest (its centre, its yaw), out of the gripper: for tests and scripted scenes.</summary>
    public void PlaceCube(Vec3 center, double yaw = 0)
    {
        lock (_gate)
        {
            Synchronize();
            World.PlaceCube(center, yaw);
        }
    }

    // ---- ground truth ----

    /// <summary>The ground truth now (runs booked time first).</summary>
    public WorkcellState State()
    {
        lock (_gate)
        {
            Synchronize();
            var cube = World.Cube;
            var ee = World.EndEffector.P;
            var s = World.Settings;
            var overTable = cube.Position.X >= s.TableMinX && cube.Position.X <= s.TableMaxX && cube.Position.Y >= s.TableMinY && cube.Position.Y <= s.TableMaxY;
            var onTable = !World.CubeHeld && overTable && Math.Abs(cube.Position.Z - cube.Half) < 0.002;
            var joints = _servos.StackJoints();
            return new WorkcellState
            {
                Time = World.Time, Episode = Episode, EndEffector = ee, JawCenter = World.JawCenter, CubePosition = cube.Position, CubeYaw = cube.Yaw,
                CubeSize = cube.Size, CubeHeld = World.CubeHeld, CubeOnTable = onTable,
                CubeLost = !overTable || cube.Position.Z < -0.01, Joints = joints, ArmTouchesTable = World.ArmTouchesTable,
                Task = Task.Name, Success = Task.IsSuccess(ee, cube.Position, cube.Half, World.CubeHeld, onTable),
            };
        }
    }

    /// <summary>LeRobot's observation.environment_state for this workcell: the cube's centre (x, y, z) in metres, base frame.</summary>
    public double[] EnvironmentState()
    {
        lock (_gate)
        {
            Synchronize();
            return World.Cube.Position.ToArray();
        }
    }

    // ---- cameras ----

    /// <summary>The drawable scene (built on first use).</summary>
    public WorkcellScene Scene
    {
        get
        {
            lock (_gate) return _scene ??= new WorkcellScene(Mechanism, Task, World.Settings, World.Cube.Size);
        }
    }

    /// <summary>A camera of this workcell for a configured camera name (see <see cref="CameraViewpoint.ForName"/>), at the configured size.</summary>
    public WorkcellCamera Camera(string name, int width, int height, int fps = 30) =>
        new(this, CameraViewpoint.ForName(name), width, height, fps);

    public WorkcellCamera Camera(CameraViewpoint viewpoint, int width, int height, int fps = 30) => new(this, viewpoint, width, height, fps);

    /// <summary>The camera's world pose and the scene's state now (runs booked time first).</summary>
    public (Pose Camera, SceneSnapshot Scene) Snapshot(CameraViewpoint viewpoint)
    {
        lock (_gate)
        {
            Synchronize();
            var bodies = World.BodyPoses.ToArray();
            var camera = viewpoint.OnGripper ? bodies[Mechanism.GripperBody] * viewpoint.Mount : viewpoint.Mount;
            return (camera, new SceneSnapshot(bodies, World.Cube.Position, World.Cube.Yaw));
        }
    }

    /// <summary>Runs <paramref name="action"/> on the world under its lock (after booked time): for renderers and tests.</summary>
    public T WithWorld<T>(Func<WorldPhysics, T> action)
    {
        lock (_gate)
        {
            Synchronize();
            return action(World);
        }
    }

    /// <summary>
    /// The ready pose: the gripper frame 7 cm above the table in front of the arm, pointing straight down
    /// (an SO-101 can point down only up to about 8 cm there: wrist_flex stops at 95°), the gripper open
    /// (40), found by IK on the model (degrees; gripper 0..100).
    /// </summary>
    public static double[] DefaultResetJoints(RobotKinematics kinematics)
    {
        var down = new Transform([-1, 0, 0, 0, 1, 0, 0, 0, -1], [0.21, 0, 0.07]);
        double[] guess = [0, -10, 20, 80, 0];
        var (q, error, _) = kinematics.InverseKinematicsConverged(guess, down, 1e-5, 2000, 1.0, 0.5);
        if (error > 1e-3) throw new InvalidOperationException($"The arm model cannot reach its ready pose (error {error:F4} m).");
        return [.. q.Take(kinematics.ChainDof).Select(v => Math.Round(v, 2)), 40];
    }

    public void Dispose()
    {
        StopRealTime();
        Emulator.Dispose();
    }
}
