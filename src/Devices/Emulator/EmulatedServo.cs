using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Emulator;

/// <summary>
/// One emulated servo (an STS3215 by default, or a DYNAMIXEL X): its register map (little-endian) plus a small
/// physical model. The shaft moves toward the goal at a speed limit while torque is on; load,
/// current and temperature follow the effort; a hand (or a motion script) can move it while
/// torque is off. Time advances lazily, whenever the bus touches the servo.
/// Attached to a simulated world (<see cref="AttachShaft"/>), the world moves the shaft instead: it reads
/// the servo's <see cref="Command"/> and reports the shaft back with <see cref="ReportShaft"/>, on the world's clock.
/// </summary>
public sealed class EmulatedServo
{
    public const int Resolution = 4096;
    /// <summary>About 270°/s, the STS3215's no-load speed at 12 V.</summary>
    public const double DefaultMaxSpeedStepsPerSecond = 3000;

    private readonly ControlTable _table;
    private readonly byte[] _registers = new byte[256];
    private readonly object _gate = new();
    private double _actual;          // shaft angle in steps, 0..4095, before the homing offset
    private double _temperature = 28;
    private double _lastVelocity;
    private double _lastLoad;
    private DateTime _lastUpdate = DateTime.UtcNow;
    private double _lastCurrent = double.NaN;
    private byte _injectedErrors;
    private (int Address, byte[] Data)? _registered;

    public EmulatedServo(int id, double initialActual = 2047, string model = "sts3215", ServoFamily? family = null)
    {
        Family = family ?? ServoFamily.Feetech;
        _table = Family.Table;
        if (!Family.ModelNumbers.TryGetValue(model, out var number))
            throw new ArgumentException($"Model '{model}' is not a {Family.Name} servo. Known: {string.Join(", ", Family.ModelNumbers.Keys)}.");
        foreach (var (register, value) in Family.Defaults) Set(register, value);
        Set("Model_Number", number);
        Set("ID", id);
        _actual = Math.Clamp(initialActual, 0, Resolution - 1);
        SyncPresent();
        Set("Goal_Position", Get("Present_Position"));
    }

    public ServoFamily Family { get; }
    public int Id => Get("ID");
    public int BaudRate => Family.BaudCodes.TryGetValue(Get("Baud_Rate"), out var b) ? b : Family.DefaultBaudRate;
    public int ReturnDelayMicroseconds => Get("Return_Delay_Time") * Family.ReturnDelayUnitMicroseconds;
    public double MaxSpeedStepsPerSecond { get; set; } = DefaultMaxSpeedStepsPerSecond;

    /// <summary>When set, drives the shaft while torque is off: (seconds since start) → shaft steps (a hand on a leader arm).</summary>
    public Func<double, double>? HandMotion { get; set; }
    internal DateTime Epoch { get; set; } = DateTime.UtcNow;

    public bool TorqueEnabled => Get("Torque_Enable") != 0;
    public double ActualPosition { get { lock (_gate) { Advance(DateTime.UtcNow); return _actual; } } }

    /// <summary>The world that moves this servo's shaft, when it is part of one (null: the servo's own model).</summary>
    public IServoShaft? Shaft { get; private set; }

    /// <summary>Hands the shaft to a simulated world: from now on only <see cref="ReportShaft"/> moves it.</summary>
    public void AttachShaft(IServoShaft shaft)
    {
        lock (_gate)
        {
            if (Shaft is not null) throw new InvalidOperationException($"Servo {Id} already belongs to a world.");
            Shaft = shaft;
        }
    }

    /// <summary>What the controller asks of the shaft now: torque, goal (in shaft steps, after the homing offset), gains and limits.</summary>
    public ServoCommand Command()
    {
        lock (_gate)
        {
            var speedLimit = Family.SpeedLimit is { } limit && Get(limit) is var v and > 0 ? Math.Min(v, MaxSpeedStepsPerSecond) : MaxSpeedStepsPerSecond;
            var torque = Get(Family.EffortLimit) / 1000.0;
            if (Family == ServoFamily.Feetech) torque = Math.Min(torque, Get("Max_Torque_Limit") / 1000.0); // the EEPROM cap bounds the RAM limit
            // Worlds model Feetech gains (P/D coefficients); a DYNAMIXEL servo reports LeRobot's Feetech defaults (P 16, D 32).
            var (p, d) = Family == ServoFamily.Feetech ? (Get("P_Coefficient"), Get("D_Coefficient")) : (16, 32);
            return new ServoCommand(TorqueEnabled, GoalActual(), speedLimit, p, d, Math.Clamp(torque, 0, 1));
        }
    }

    /// <summary>
    /// The world reports where it moved the shaft over <paramref name="dt"/> seconds: position (steps,
    /// before the homing offset), velocity (steps/s), load (per-mille of stall torque, signed) and current
    /// (the Present_Current unit). The Present_* registers and the temperature follow.
    /// </summary>
    public void ReportShaft(double actualSteps, double velocityStepsPerSecond, double load, double current, double dt)
    {
        lock (_gate)
        {
            _actual = Math.Clamp(actualSteps, 0, Resolution - 1);
            _lastVelocity = velocityStepsPerSecond;
            _lastLoad = load;
            _lastCurrent = current;
            Heat(load, dt);
            SyncPresent();
        }
    }

    /// <summary>
    /// A world put the shaft somewhere (an episode reset): the goal follows, so a powered servo holds the
    /// new pose instead of driving back to the old goal.
    /// </summary>
    public void PlaceShaft(double actualSteps)
    {
        lock (_gate)
        {
            _actual = Math.Clamp(actualSteps, 0, Resolution - 1);
            _lastVelocity = 0;
            _lastLoad = 0;
            _lastCurrent = 0;
            SyncPresent();
            Set("Goal_Position", Get("Present_Position"));
        }
    }

    /// <summary>Moves the shaft by hand; ignored while torque holds it.</summary>
    public void MoveByHand(double actualSteps)
    {
        if (Shaft is not null) return; // the world owns the shaft
        lock (_gate)
        {
            Advance(DateTime.UtcNow);
            if (!TorqueEnabled)
            {
                _actual = Math.Clamp(actualSteps, 0, Resolution - 1);
                SyncPresent();
            }
        }
    }

    /// <summary>
    /// Power off and on: the RAM area returns to its defaults (torque off, lock off, goal where the
    /// shaft is); the EEPROM area (id, baud rate, limits, homing offset) keeps what was written.
    /// </summary>
    public void PowerCycle()
    {
        lock (_gate)
        {
            Advance(DateTime.UtcNow);
            Array.Clear(_registers, Family.RamStart, _registers.Length - Family.RamStart);
            foreach (var (register, value) in Family.Defaults)
                if (_table[register].Address >= Family.RamStart) Set(register, value);
            _registered = null;
            SyncPresent();
            Set("Goal_Position", Get("Present_Position"));
        }
    }

    /// <summary>Error bits reported in every status packet until cleared (a fault on demand).</summary>
    public void InjectErrors(byte errors) { lock (_gate) _injectedErrors = errors; }

    public int Get(string register) => Register(_table[register]);

    public void Set(string register, int value)
    {
        var reg = _table[register];
        var encoded = reg.SignBit >= 0 ? SignMagnitude.Encode(value, reg.SignBit, register) : value;
        for (var i = 0; i < reg.Size; i++)
            _registers[reg.Address + i] = (byte)(encoded >> (8 * i));
    }

    private int Register(Register reg)
    {
        var raw = 0;
        for (var i = 0; i < reg.Size; i++) raw |= _registers[reg.Address + i] << (8 * i);
        return reg.Decode(raw);
    }

    public byte ErrorByte
    {
        get
        {
            lock (_gate)
            {
                byte e = _injectedErrors;
                if (Family != ServoFamily.Feetech) return e; // DYNAMIXEL reports hardware faults through an alert bit instead
                if (_temperature > Get(Family.TemperatureLimit)) e |= 4;  // overheat
                var volts = Get(Family.Voltage);
                if (volts > Get(Family.MaxVoltage) || volts < Get(Family.MinVoltage)) e |= 1; // voltage
                return e;
            }
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="address"/> after bringing the physics up to date.</summary>
    public byte[] ReadBytes(int address, int length)
    {
        Shaft?.BeforeRead(); // outside the lock: a world brings every servo of the arm up to date
        lock (_gate)
        {
            Advance(DateTime.UtcNow);
            var data = new byte[length];
            for (var i = 0; i < length; i++)
                data[i] = _registers[(address + i) & 0xFF];
            return data;
        }
    }

    /// <summary>How many writes (plain, sync or registered) reached this servo's registers from the bus.</summary>
    public long WritesReceived => Interlocked.Read(ref _writesReceived);
    private long _writesReceived;

    public void WriteBytes(int address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _writesReceived);
            Advance(DateTime.UtcNow);
            var torqueBefore = TorqueEnabled;
            for (var i = 0; i < data.Length; i++)
            {
                var a = (address + i) & 0xFF;
                if (Family.IsReadOnly(a)) continue;
                _registers[a] = data[i];
            }
            if (TorqueEnabled && !torqueBefore)
                Set("Goal_Position", Get("Present_Position")); // engaging torque holds the arm where it is
            ClampGoalToLimits();
        }
    }

    public void RegisterWrite(int address, ReadOnlySpan<byte> data) { lock (_gate) _registered = (address, data.ToArray()); }

    public void ApplyRegisteredWrite()
    {
        (int Address, byte[] Data)? pending;
        lock (_gate) { pending = _registered; _registered = null; }
        if (pending is { } p) WriteBytes(p.Address, p.Data);
    }

    private void ClampGoalToLimits()
    {
        var goal = Get("Goal_Position");
        var min = Get("Min_Position_Limit");
        var max = Get("Max_Position_Limit");
        if (min < max && Family.LimitedModes.Contains(Get("Operating_Mode")))
        {
            var clamped = Math.Clamp(goal, min, max);
            if (clamped != goal) Set("Goal_Position", clamped);
        }
    }

    // Feetech: Present = Actual - offset, so Actual = Goal + offset; DYNAMIXEL the other way round.
    private double GoalActual() => Math.Clamp(ToOneTurn(Get("Goal_Position") - Family.HomingSign * HomingOffset()), 0, Resolution - 1);

    private void Heat(double load, double dt)
    {
        // First-order heating toward ambient + effort; seconds-scale time constant.
        var target = 28 + Math.Abs(load) / 25.0;
        _temperature += (target - _temperature) * Math.Min(1, dt / 30.0);
    }

    private void Advance(DateTime now)
    {
        var dt = Math.Max(0, (now - _lastUpdate).TotalSeconds);
        _lastUpdate = now;
        if (Shaft is not null) return; // the world moves the shaft and reports it
        var before = _actual;
        double load = 0;
        if (TorqueEnabled)
        {
            var goalActual = GoalActual();
            var error = goalActual - _actual;
            var speedLimit = Family.SpeedLimit is { } limit && Get(limit) is var v and > 0 ? Math.Min(v, MaxSpeedStepsPerSecond) : MaxSpeedStepsPerSecond;
            var step = Math.Clamp(error, -speedLimit * dt, speedLimit * dt);
            _actual = Math.Clamp(_actual + step, 0, Resolution - 1);
            // Effort grows with the remaining error, saturating at the torque limit.
            var effort = Get(Family.EffortLimit);
            load = Math.Clamp((goalActual - _actual) * 4.0, -effort, effort);
        }
        else if (HandMotion is { } hand)
        {
            _actual = Math.Clamp(hand((now - Epoch).TotalSeconds), 0, Resolution - 1);
        }
        if (dt > 0)
        {
            _lastVelocity = (_actual - before) / dt;
            Heat(load, dt);
        }
        _lastLoad = load;
        SyncPresent();
    }

    private int HomingOffset() => Get("Homing_Offset");

    private double ToOneTurn(double steps) =>
        Family.WrapsToOneTurn ? ((Math.Round(steps) % Resolution) + Resolution) % Resolution : Math.Round(steps);

    private void SyncPresent()
    {
        // Feetech keeps it within one turn (Phase bit 4 cleared); DYNAMIXEL reports the offset sum as is.
        Set("Present_Position", (int)ToOneTurn(_actual + Family.HomingSign * HomingOffset()));
        Set("Present_Velocity", (int)Math.Clamp(Math.Round(_lastVelocity), -32767, 32767));
        if (Family.LoadRegister is { } load) Set(load, (int)Math.Clamp(Math.Round(_lastLoad), -1000, 1000));
        Set("Present_Temperature", (int)Math.Round(_temperature));
        if (Family.CurrentRegister is { } current)
            Set(current, (int)Math.Round(double.IsNaN(_lastCurrent) ? Math.Abs(_lastLoad) * 0.5 : _lastCurrent));
        Set("Moving", Math.Abs(_lastVelocity) > 1 ? 1 : 0);
    }
}

/// <summary>A servo's controller state as a world needs it to move the shaft.</summary>
/// <param name="GoalActual">Goal in shaft steps (0..4095, the homing offset removed).</param>
/// <param name="SpeedLimit">Largest shaft speed, steps per second.</param>
/// <param name="TorqueLimit">Largest torque as a fraction of stall torque (Torque_Limit / 1000, capped by Max_Torque_Limit).</param>
public readonly record struct ServoCommand(bool TorqueEnabled, double GoalActual, double SpeedLimit, int PCoefficient, int DCoefficient, double TorqueLimit);

/// <summary>The world side of a servo's shaft (a simulated workcell).</summary>
public interface IServoShaft
{
    /// <summary>Called on the bus thread before the servo's registers are read: a lockstep world runs its pending time here.</summary>
    void BeforeRead();
}
