using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Robots;

/// <summary>
/// An SO-100/SO-101 or Koch arm, follower or leader, with LeRobot's behaviour: features named
/// "&lt;motor&gt;.pos" in motor order, calibration files in LeRobot's format and place, torque
/// handling, and the max_relative_target clamp on actions.
/// </summary>
public sealed class Arm : IDisposable
{
    private MotorsBus? _bus;

    public Arm(ArmConfig config)
    {
        Config = config;
        Spec = ArmSpec.For(config.Type);
        UseDegrees = config.UseDegrees ?? Spec.DefaultUseDegrees;
        Motors = Spec.NamedMotors(UseDegrees);
        CalibrationPath = ResolveCalibrationPath();
        if (File.Exists(CalibrationPath))
        {
            try
            {
                Calibration = CalibrationFile.Load(CalibrationPath, Spec.CalibrationRules(), CalibrationFix);
            }
            catch (CalibrationException e)
            {
                // Kept, not thrown: `calibrate` must still be able to replace a broken file; Connect refuses it.
                CalibrationProblem = e;
            }
        }
    }

    public ArmConfig Config { get; }
    public ArmSpec Spec { get; }
    public bool UseDegrees { get; }
    public IReadOnlyList<NamedMotor> Motors { get; }
    public string CalibrationPath { get; }
    public Dictionary<string, MotorCalibration>? Calibration { get; private set; }

    /// <summary>Why the calibration file at <see cref="CalibrationPath"/> was refused, when it was.</summary>
    public CalibrationException? CalibrationProblem { get; private set; }

    /// <summary>The command that makes this arm's calibration file, as the user would type it.</summary>
    public string CalibrateCommand
    {
        get
        {
            var p = Spec.Role == ArmRole.Follower ? "robot" : "teleop";
            var dir = Config.CalibrationDir is null ? "" : $" --{p}.calibration_dir {Config.CalibrationDir}";
            return $"robotactors calibrate --{p}.type {Spec.Type} --{p}.port {Config.Port} --{p}.id {Config.Id}{dir}";
        }
    }

    private string CalibrationFix => $"Fix the file, or run `{CalibrateCommand}` to make a new one.";
    public bool IsConnected => _bus is not null;
    public MotorsBus Bus => _bus ?? throw new InvalidOperationException($"{Describe()} is not connected. Call Connect() first.");

    /// <summary>"shoulder_pan.pos", ... in motor order: the observation.state / action names.</summary>
    public IReadOnlyList<string> FeatureNames => Motors.Select(m => m.Name + ".pos").ToList();

    public string Describe() => $"{Spec.Type} '{Config.Id}' on {Config.Port}";

    /// <summary>
    /// Opens the bus, checks every motor answers with the expected model, calibrates when the
    /// motors do not hold the calibration, and configures the motors. Without a prompt only an
    /// existing calibration file is applied: without an operator there is nobody to hold the arm at
    /// mid-range, so a missing file is refused (with the command that makes one) before the port is
    /// opened. An invalid file is refused the same way, prompt or not.
    /// </summary>
    public void Connect(bool calibrate = true, ICalibrationPrompt? prompt = null)
    {
        if (_bus is not null) throw new InvalidOperationException($"{Describe()} is already connected.");
        if (calibrate && CalibrationProblem is { } problem)
            throw new NotCalibratedException(problem.Message, CalibrateCommand, CalibrationPath, problem);
        if (calibrate && prompt is null && Calibration is null)
            throw new NotCalibratedException(
                $"{Describe()} is not calibrated: there is no calibration file at '{CalibrationPath}'. " +
                $"Run `{CalibrateCommand}`, or copy your LeRobot calibration file there.", CalibrateCommand, CalibrationPath);
        var transport = SerialTransports.Open(Config.Port, Config.BaudRate > 0 ? Config.BaudRate : 1_000_000, Config.Transport);
        MotorsBus bus = Spec.Protocol == BusProtocol.Feetech
            ? new FeetechBus(transport, Motors, Calibration)
            : new DynamixelBus(transport, Motors, Calibration);
        bus.PacketTimeout = Config.PacketTimeout;
        try
        {
            CheckMotors(bus);
            _bus = bus;
            if (calibrate && !IsCalibrated())
                Calibrate(prompt ?? new ScriptedCalibrationPrompt(useExisting: true));
            Configure();
        }
        catch
        {
            _bus = null;
            bus.Dispose();
            throw;
        }
    }

    private void CheckMotors(MotorsBus bus)
    {
        var missing = new List<string>();
        var wrong = new List<string>();
        foreach (var m in Motors)
        {
            var model = bus.Ping(m.Id, numRetry: 2);
            if (model is null) missing.Add($"{m.Name} (id {m.Id})");
            else if (model != bus.ModelNumberOf(m.Motor.Model)) wrong.Add($"{m.Name} (id {m.Id}) is {bus.ModelNameOf(model.Value)}, expected {m.Motor.Model}");
        }
        if (missing.Count > 0)
            throw new MotorBusConnectionException(
                $"{Describe()}: motor check failed. Missing motor IDs: {string.Join(", ", missing)}. " +
                "Check power and cabling; if the ids were never set, run `robotactors setup-motors`.");
        if (wrong.Count > 0)
            throw new MotorBusConnectionException($"{Describe()}: wrong motor models: {string.Join("; ", wrong)}.");
    }

    /// <summary>The motors hold the calibration of the file (their EPROM survives power cycles).</summary>
    public bool IsCalibrated() => Calibration is not null && Bus.IsCalibrated();

    /// <summary>LeRobot's calibrate(): use the existing file, or home at mid-range and record the ranges of motion.</summary>
    public void Calibrate(ICalibrationPrompt prompt)
    {
        var bus = Bus;
        if (Calibration is not null && prompt.UseExistingCalibration(CalibrationPath))
        {
            bus.DisableTorque();
            bus.WriteCalibration(Calibration);
            return;
        }
        // Torque off so the arm can be moved by hand; the calibration registers stay untouched
        // until the operator holds the arm at mid-range.
        bus.DisableTorque();
        prompt.WaitForMiddlePosition(Describe());
        if (Spec.Protocol == BusProtocol.Feetech)
            foreach (var m in Motors) bus.Write("Operating_Mode", m.Name, 0, normalize: false);
        bus.ResetCalibration();
        var offsets = bus.SetHalfTurnHomings();
        var ranged = Motors.Select(m => m.Name).Except(Spec.FullTurnMotors).ToArray();
        var (min, max) = bus.RecordRangesOfMotion(ranged, prompt.RangeRecordingDone, TimeSpan.FromMilliseconds(20));
        var calibration = new Dictionary<string, MotorCalibration>();
        foreach (var m in Motors)
        {
            var full = Spec.FullTurnMotors.Contains(m.Name);
            var lo = full ? 0 : min[m.Name];
            var hi = full ? 4095 : max[m.Name];
            if (lo == hi)
                throw new InvalidOperationException($"{m.Name} did not move while ranges were recorded (stayed at {lo}); move every joint through its full range and calibrate again.");
            calibration[m.Name] = new MotorCalibration(m.Id, 0, offsets[m.Name], lo, hi);
        }
        bus.WriteCalibration(calibration);
        Calibration = calibration;
        CalibrationProblem = null;
        CalibrationFile.Save(CalibrationPath, calibration);
    }

    /// <summary>Applies a calibration (e.g. one copied from a LeRobot install) to the motors and the file.</summary>
    public void ApplyCalibration(IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        var problems = Spec.CalibrationRules().Check(calibration);
        if (problems.Count > 0)
            throw new CalibrationException("The calibration", problems, CalibrationFix);
        Bus.DisableTorque();
        Bus.WriteCalibration(calibration);
        Calibration = new Dictionary<string, MotorCalibration>(calibration);
        CalibrationProblem = null;
        CalibrationFile.Save(CalibrationPath, Calibration);
    }

    /// <summary>Reads a calibration file (e.g. from a LeRobot install) and checks it against this arm type, before anything is opened.</summary>
    public Dictionary<string, MotorCalibration> LoadCalibrationFile(string path) =>
        CalibrationFile.Load(path, Spec.CalibrationRules(), $"Fix the file, or run `{CalibrateCommand}` to calibrate by hand.");

    /// <summary>LeRobot's configure(): motor settings with torque off, then torque on for followers.</summary>
    public void Configure()
    {
        var bus = Bus;
        bus.DisableTorque();
        if (bus is FeetechBus feetech)
        {
            feetech.ConfigureMotors();
            foreach (var m in Motors)
            {
                bus.Write("Operating_Mode", m.Name, 0, normalize: false);
                if (Spec.Role != ArmRole.Follower) continue;
                bus.Write("P_Coefficient", m.Name, Config.PositionPCoefficient, normalize: false);
                bus.Write("I_Coefficient", m.Name, Config.PositionICoefficient, normalize: false);
                bus.Write("D_Coefficient", m.Name, Config.PositionDCoefficient, normalize: false);
                if (m.Name == "gripper")
                {
                    // Keeps the gripper from burning out when it squeezes an object.
                    bus.Write("Max_Torque_Limit", m.Name, 500, normalize: false);
                    bus.Write("Protection_Current", m.Name, 250, normalize: false);
                    bus.Write("Overload_Torque", m.Name, 25, normalize: false);
                }
            }
        }
        else
        {
            foreach (var m in Motors)
            {
                bus.Write("Return_Delay_Time", m.Name, 0, normalize: false);
                var mode = m.Name == "gripper" ? DynamixelTables.CurrentPositionMode : DynamixelTables.ExtendedPositionMode;
                bus.Write("Operating_Mode", m.Name, mode, normalize: false);
            }
            if (Spec.Role == ArmRole.Follower)
            {
                bus.Write("Position_P_Gain", "elbow_flex", 1500, normalize: false);
                bus.Write("Position_I_Gain", "elbow_flex", 0, normalize: false);
                bus.Write("Position_D_Gain", "elbow_flex", 600, normalize: false);
            }
            else
            {
                // The leader's gripper works as a spring-loaded trigger.
                bus.EnableTorque(["gripper"]);
            }
        }
        if (Spec.Role == ArmRole.Follower)
            bus.EnableTorque();
    }

    /// <summary>The present positions as {"shoulder_pan.pos": value, ...} in motor order.</summary>
    public Dictionary<string, double> GetObservation()
    {
        var positions = Bus.SyncRead("Present_Position", numRetry: Config.NumReadRetries);
        return positions.ToDictionary(kv => kv.Key + ".pos", kv => kv.Value);
    }

    /// <summary>A leader's action: its present positions.</summary>
    public Dictionary<string, double> GetAction() => GetObservation();

    /// <summary>
    /// Sends goal positions ({"shoulder_pan.pos": value, ...}); with max_relative_target set, each goal
    /// is first limited to that distance from the present position. Returns what was sent.
    /// </summary>
    public Dictionary<string, double> SendAction(IReadOnlyDictionary<string, double> action)
    {
        var goals = new Dictionary<string, double>();
        foreach (var (key, value) in action)
        {
            if (!key.EndsWith(".pos", StringComparison.Ordinal))
                continue;
            var motor = key[..^4];
            Bus.Motor(motor); // unknown names are an error, not a silent drop
            goals[motor] = value;
        }
        if (Config.MaxRelativeTarget is not null || Config.MaxRelativeTargetPerMotor is not null)
        {
            var present = Bus.SyncRead("Present_Position", goals.Keys, numRetry: Config.NumReadRetries);
            goals = SafeGoal.Clamp(goals, present, Config.MaxRelativeTarget, Config.MaxRelativeTargetPerMotor);
        }
        Bus.SyncWrite("Goal_Position", goals);
        return goals.ToDictionary(kv => kv.Key + ".pos", kv => kv.Value);
    }

    /// <summary>
    /// The joint limits in normalized units, from the calibrated ranges (for the safety step).
    /// </summary>
    public Dictionary<string, (double Min, double Max)> JointLimits()
    {
        var cal = Calibration ?? throw new InvalidOperationException($"{Describe()} has no calibration; run `robotactors calibrate`.");
        var limits = new Dictionary<string, (double, double)>();
        foreach (var m in Motors)
        {
            var c = cal[m.Name];
            var a = Normalization.Normalize(c.RangeMin, c, m.Motor.NormMode, 4096, Spec.Protocol == BusProtocol.Feetech);
            var b = Normalization.Normalize(c.RangeMax, c, m.Motor.NormMode, 4096, Spec.Protocol == BusProtocol.Feetech);
            limits[m.Name + ".pos"] = (Math.Min(a, b), Math.Max(a, b));
        }
        return limits;
    }

    public void Disconnect()
    {
        var bus = _bus;
        if (bus is null) return;
        _bus = null;
        try
        {
            if (Spec.Role == ArmRole.Follower && Config.DisableTorqueOnDisconnect)
                bus.DisableTorque(numRetry: 5);
        }
        catch (IOException)
        {
            // The port may already be gone (unplugged); there is nothing left to switch off.
        }
        finally
        {
            bus.Dispose();
        }
    }

    public void Dispose() => Disconnect();

    private string ResolveCalibrationPath()
    {
        var file = Config.Id + ".json";
        if (Config.CalibrationDir is not null)
            return Path.Combine(Config.CalibrationDir, file);
        var root = Path.Combine(CalibrationFile.Root(), Spec.CalibrationKind);
        var current = Path.Combine(root, Spec.CalibrationName, file);
        if (File.Exists(current)) return current;
        // Older LeRobot releases stored so100/so101 calibrations under their own type names.
        foreach (var legacy in Spec.LegacyCalibrationNames)
        {
            var path = Path.Combine(root, legacy, file);
            if (File.Exists(path)) return path;
        }
        return current;
    }
}
