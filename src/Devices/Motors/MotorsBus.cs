using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Motors;

/// <summary>
/// A serial motor bus addressed by LeRobot's register names (data_name) and motor names.
/// Subclasses supply the wire protocol (Feetech, Dynamixel); this class supplies the value
/// pipeline: sign encoding, calibration and normalization of Goal/Present_Position.
/// Not thread-safe: one owner serializes all I/O (the MotorBusActor in the actor layer).
/// </summary>
public abstract class MotorsBus : IDisposable
{
    private static readonly string[] NormalizedData = ["Goal_Position", "Present_Position"];
    private readonly Dictionary<string, NamedMotor> _byName;

    protected MotorsBus(ISerialTransport transport, IReadOnlyList<NamedMotor> motors, IReadOnlyDictionary<string, MotorCalibration>? calibration)
    {
        Transport = transport;
        Motors = motors;
        _byName = motors.ToDictionary(m => m.Name);
        Calibration = calibration;
    }

    public ISerialTransport Transport { get; }
    public IReadOnlyList<NamedMotor> Motors { get; }
    public IReadOnlyDictionary<string, MotorCalibration>? Calibration { get; set; }
    public BusStatistics Statistics { get; } = new();

    /// <summary>Per-exchange reply deadline, on top of the bytes' time on the wire.</summary>
    public TimeSpan PacketTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    public abstract string Protocol { get; }
    public abstract IReadOnlyList<int> ScanBaudRates { get; }
    public abstract int DefaultBaudRate { get; }
    /// <summary>Whether drive_mode inverts normalized values in software (Feetech) or the servo does it (Dynamixel).</summary>
    protected abstract bool ApplyDriveMode { get; }
    public abstract ControlTable TableFor(string model);
    public abstract int ResolutionOf(string model);
    /// <summary>The largest homing offset (either sign) the model's Homing_Offset register holds.</summary>
    public abstract int MaxHomingOffsetOf(string model);
    public abstract int ModelNumberOf(string model);
    public abstract string ModelNameOf(int modelNumber);

    // ---- wire primitives, all values raw (already sign-encoded) ----
    /// <summary>Pings one id; returns its model number, or null when nothing answers.</summary>
    public abstract int? Ping(int id, int numRetry = 0);
    /// <summary>Every id that answers a broadcast ping, with its model number.</summary>
    public abstract SortedDictionary<int, int> BroadcastPing(int numRetry = 0);
    public abstract int ReadRaw(int id, int address, int size, int numRetry = 0);
    public abstract void WriteRaw(int id, int address, int size, int value, int numRetry = 0);
    public abstract int[] SyncReadRaw(int address, int size, IReadOnlyList<int> ids, int numRetry = 0);
    /// <summary>One packet, no reply: the fast path of a control loop.</summary>
    public abstract void SyncWriteRaw(int address, int size, IReadOnlyList<(int Id, int Value)> values);

    public abstract void EnableTorque(IEnumerable<string>? motors = null, int numRetry = 0);
    public abstract void DisableTorque(IEnumerable<string>? motors = null, int numRetry = 0);
    public abstract Dictionary<string, MotorCalibration> ReadCalibration();
    /// <summary>What a calibration must satisfy to be written to this bus's motors.</summary>
    public CalibrationRules CalibrationRules => new($"this {Protocol} bus",
        Motors.Select(m => new CalibrationRules.MotorRule(m.Name, m.Id, ResolutionOf(m.Motor.Model), MaxHomingOffsetOf(m.Motor.Model))).ToList());

    /// <summary>
    /// Checks the whole calibration against <see cref="CalibrationRules"/> first, so an invalid one
    /// writes nothing at all (not half the motors), then writes it and keeps it for normalization.
    /// </summary>
    public void WriteCalibration(IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        var problems = CalibrationRules.Check(calibration);
        if (problems.Count > 0)
            throw new CalibrationException("The calibration", problems, CalibrationFile.DefaultFix);
        WriteCalibrationRegisters(calibration);
        Calibration = new Dictionary<string, MotorCalibration>(calibration);
    }

    /// <summary>Writes a checked calibration to the motors' registers.</summary>
    protected abstract void WriteCalibrationRegisters(IReadOnlyDictionary<string, MotorCalibration> calibration);
    /// <summary>Homing offset that makes the present position read half a turn (LeRobot's set_half_turn_homings).</summary>
    protected abstract int HalfTurnHomingOffset(int actualPosition, int resolution);
    /// <summary>Sets ranges to the full turn and homing offsets to zero.</summary>
    public abstract void ResetCalibration();

    public NamedMotor Motor(string name) => _byName.TryGetValue(name, out var m)
        ? m
        : throw new KeyNotFoundException($"No motor named '{name}' on this bus. Motors: {string.Join(", ", Motors.Select(x => x.Name))}.");

    public Register RegisterOf(string dataName, string motor) => TableFor(Motor(motor).Motor.Model)[dataName];

    /// <summary>Reads one register of one motor; positions come back normalized when calibrated.</summary>
    public double Read(string dataName, string motor, bool normalize = true, int numRetry = 0)
    {
        var m = Motor(motor);
        var reg = TableFor(m.Motor.Model)[dataName];
        var value = reg.Decode(ReadRaw(m.Id, reg.Address, reg.Size, numRetry));
        return normalize && IsNormalized(dataName) ? NormalizeOne(m, value) : value;
    }

    public void Write(string dataName, string motor, double value, bool normalize = true, int numRetry = 0)
    {
        var m = Motor(motor);
        var reg = TableFor(m.Motor.Model)[dataName];
        var steps = normalize && IsNormalized(dataName) ? UnnormalizeOne(m, value) : ToInteger(value, dataName);
        WriteRaw(m.Id, reg.Address, reg.Size, reg.Encode(steps), numRetry);
    }

    /// <summary>Reads one register of many motors in one exchange, in bus order.</summary>
    public Dictionary<string, double> SyncRead(string dataName, IEnumerable<string>? motors = null, bool normalize = true, int numRetry = 0)
    {
        var selected = Select(motors);
        var reg = TableFor(selected[0].Motor.Model)[dataName];
        var raw = SyncReadRaw(reg.Address, reg.Size, selected.Select(m => m.Id).ToArray(), numRetry);
        var result = new Dictionary<string, double>(selected.Count);
        for (var i = 0; i < selected.Count; i++)
        {
            var value = reg.Decode(raw[i]);
            result[selected[i].Name] = normalize && IsNormalized(dataName) ? NormalizeOne(selected[i], value) : value;
        }
        return result;
    }

    public void SyncWrite(string dataName, IReadOnlyDictionary<string, double> values, bool normalize = true)
    {
        if (values.Count == 0) return;
        var blocks = new List<(int, int)>(values.Count);
        Register? reg = null;
        foreach (var (name, value) in values)
        {
            var m = Motor(name);
            reg ??= TableFor(m.Motor.Model)[dataName];
            var steps = normalize && IsNormalized(dataName) ? UnnormalizeOne(m, value) : ToInteger(value, dataName);
            blocks.Add((m.Id, reg.Encode(steps)));
        }
        SyncWriteRaw(reg!.Address, reg.Size, blocks);
    }

    /// <summary>
    /// True when the motors hold the cached calibration. Compares the EPROM registers (ranges and
    /// homing offsets), which survive a power cycle, so a calibrated arm is not asked again.
    /// </summary>
    public bool IsCalibrated()
    {
        if (Calibration is null) return false;
        var onMotors = ReadCalibration();
        foreach (var m in Motors)
        {
            if (!Calibration.TryGetValue(m.Name, out var expected) || !onMotors.TryGetValue(m.Name, out var actual))
                return false;
            if (expected.RangeMin != actual.RangeMin || expected.RangeMax != actual.RangeMax || expected.HomingOffset != actual.HomingOffset)
                return false;
        }
        return true;
    }

    /// <summary>
    /// Writes homing offsets so every selected motor reads half a turn where it stands now
    /// (the arm is held in the middle of its range). Returns the offsets written.
    /// </summary>
    public Dictionary<string, int> SetHalfTurnHomings(IEnumerable<string>? motors = null)
    {
        var selected = Select(motors);
        var offsets = new Dictionary<string, int>();
        foreach (var m in selected)
        {
            var table = TableFor(m.Motor.Model);
            WriteRaw(m.Id, table["Homing_Offset"].Address, table["Homing_Offset"].Size, 0, 2);
        }
        foreach (var m in selected)
        {
            var table = TableFor(m.Motor.Model);
            var present = table["Present_Position"].Decode(ReadRaw(m.Id, table["Present_Position"].Address, table["Present_Position"].Size, 2));
            var offset = HalfTurnHomingOffset(present, ResolutionOf(m.Motor.Model));
            var reg = table["Homing_Offset"];
            WriteRaw(m.Id, reg.Address, reg.Size, reg.Encode(offset), 2);
            offsets[m.Name] = offset;
        }
        return offsets;
    }

    /// <summary>
    /// Polls raw present positions until <paramref name="done"/> says stop, tracking each motor's
    /// minimum and maximum (LeRobot's record_ranges_of_motion).
    /// </summary>
    public (Dictionary<string, int> Min, Dictionary<string, int> Max) RecordRangesOfMotion(
        IEnumerable<string>? motors, Func<IReadOnlyDictionary<string, double>, bool> done, TimeSpan poll)
    {
        var selected = Select(motors).Select(m => m.Name).ToArray();
        var first = SyncRead("Present_Position", selected, normalize: false, numRetry: 5);
        var min = first.ToDictionary(kv => kv.Key, kv => (int)kv.Value);
        var max = new Dictionary<string, int>(min);
        while (true)
        {
            var now = SyncRead("Present_Position", selected, normalize: false, numRetry: 5);
            foreach (var (name, v) in now)
            {
                min[name] = Math.Min(min[name], (int)v);
                max[name] = Math.Max(max[name], (int)v);
            }
            if (done(now)) break;
            Thread.Sleep(poll);
        }
        return (min, max);
    }

    public double NormalizeOne(NamedMotor m, int raw)
    {
        var cal = CalibrationOf(m);
        return Normalization.Normalize(raw, cal, m.Motor.NormMode, ResolutionOf(m.Motor.Model), ApplyDriveMode);
    }

    public int UnnormalizeOne(NamedMotor m, double value)
    {
        var cal = CalibrationOf(m);
        return Normalization.Unnormalize(value, cal, m.Motor.NormMode, ResolutionOf(m.Motor.Model), ApplyDriveMode);
    }

    private MotorCalibration CalibrationOf(NamedMotor m) =>
        Calibration is not null && Calibration.TryGetValue(m.Name, out var cal)
            ? cal
            : throw new InvalidOperationException($"Motor '{m.Name}' has no calibration, so positions cannot be normalized. Run `robotactors calibrate` first, or pass normalize: false.");

    protected List<NamedMotor> Select(IEnumerable<string>? motors)
    {
        var list = motors is null ? Motors.ToList() : motors.Select(Motor).ToList();
        if (list.Count == 0)
            throw new ArgumentException("No motors selected.");
        return list;
    }

    private static bool IsNormalized(string dataName) => NormalizedData.Contains(dataName, StringComparer.OrdinalIgnoreCase);

    private static int ToInteger(double value, string dataName) =>
        double.IsFinite(value) && value == Math.Round(value) && Math.Abs(value) <= int.MaxValue
            ? (int)value
            : throw new ArgumentException($"{dataName} takes an integer, got {value}.");

    /// <summary>
    /// Runs one request/reply exchange with bounded retries: a timeout or a corrupt reply is
    /// counted and retried up to <paramref name="numRetry"/> times, then reported as a
    /// communication failure. A vanished port is not retried.
    /// </summary>
    protected T Exchange<T>(string what, int numRetry, Func<T> attempt)
    {
        Exception? last = null;
        for (var i = 0; i <= numRetry; i++)
        {
            if (i > 0) Statistics.Retry();
            Statistics.Transaction();
            try
            {
                Transport.DiscardInput();
                return attempt();
            }
            catch (TimeoutException e)
            {
                Statistics.Timeout();
                last = e;
                if (i < numRetry) DrainLateReplies();
            }
            catch (CorruptPacketException e)
            {
                Statistics.Corrupt();
                last = e;
            }
        }
        Statistics.Failure();
        var kind = last is TimeoutException ? "There is no status packet" : "Incorrect status packet";
        throw new MotorBusCommunicationException(
            $"{what} failed after {numRetry + 1} attempt(s) on '{Transport.PortName}': {kind} ({last!.Message}). " +
            "Check power, cabling and the baud rate; `robotactors motors scan --port ...` lists what answers.", last);
    }

    /// <summary>
    /// A reply that missed its deadline may still arrive, and would then be taken for the reply to
    /// the retry (same id, same size, wrong register). Wait for the line to stay quiet first.
    /// </summary>
    private void DrainLateReplies()
    {
        Span<byte> one = stackalloc byte[1];
        var quietUntil = DateTime.UtcNow + PacketTimeout;
        try
        {
            for (var n = 0; n < 4096; n++)
            {
                Transport.ReadExactly(one, quietUntil);
                quietUntil = DateTime.UtcNow + PacketTimeout;
            }
        }
        catch (TimeoutException)
        {
            // quiet: nothing late is left in flight
        }
    }

    /// <summary>Seconds one byte takes on the wire (10 bits per byte for 8N1).</summary>
    protected TimeSpan WireTime(int bytes) => TimeSpan.FromSeconds(bytes * 10.0 / Math.Max(1, Transport.BaudRate));

    public virtual void Dispose() => Transport.Dispose();
}
