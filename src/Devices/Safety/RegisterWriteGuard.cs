using System.Globalization;
using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Safety;

/// <summary>One checked register write: the motor, the value as asked and the encoded register value.</summary>
public sealed record PlannedWrite(NamedMotor Motor, Register Register, double Value, int Encoded);

/// <summary>
/// Checks a one-off register write (from the console) before any byte reaches a servo: the register exists,
/// is not one only calibration or setup may change, the value fits the register (size, sign, on/off), and a
/// Goal_Position (in the arm's normalized units) lies inside the joint limits of the calibration. The whole
/// write is checked first, so a refused value leaves every motor untouched.
/// </summary>
public static class RegisterWriteGuard
{
    /// <summary>Registers a console must not write, with the command that changes them properly.</summary>
    public static readonly IReadOnlyDictionary<string, string> Refused = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ID"] = "`robotactors setup-motors` sets ids", ["Baud_Rate"] = "`robotactors setup-motors` sets baud rates",
        ["Homing_Offset"] = "`robotactors calibrate` writes calibration", ["Min_Position_Limit"] = "`robotactors calibrate` writes calibration",
        ["Max_Position_Limit"] = "`robotactors calibrate` writes calibration", ["Drive_Mode"] = "`robotactors calibrate` writes calibration",
        ["Operating_Mode"] = "the node sets the operating mode when it connects", ["Phase"] = "the node configures it when it connects",
        ["Lock"] = "torque on/off manages the lock (`torque <robot> on|off`)",
    };

    /// <param name="ids">Motor ids to write; empty means every motor of the bus.</param>
    /// <param name="jointLimits">Per "&lt;motor&gt;.pos", the calibrated range in normalized units.</param>
    public static IReadOnlyList<PlannedWrite> Plan(MotorsBus bus, string register, double value, IReadOnlyCollection<int> ids,
        IReadOnlyDictionary<string, (double Min, double Max)> jointLimits)
    {
        var motors = ids.Count == 0 ? bus.Motors.ToList() : ids.Select(id => bus.Motors.FirstOrDefault(m => m.Id == id)
            ?? throw new ArgumentException($"no motor with id {id}; this arm's ids are {string.Join(", ", bus.Motors.Select(m => $"{m.Id} ({m.Name})"))}. Nothing was written.")).ToList();
        if (Refused.TryGetValue(register, out var why))
            throw new ArgumentException($"{register} is not written from the console: {why}. Nothing was written.");
        var plan = new List<PlannedWrite>();
        foreach (var m in motors)
        {
            var reg = bus.RegisterOf(register, m.Name); // an unknown name lists the known ones
            plan.Add(new PlannedWrite(m, reg, value, Encode(bus, m, reg, value, jointLimits)));
        }
        return plan;
    }

    private static int Encode(MotorsBus bus, NamedMotor m, Register reg, double value, IReadOnlyDictionary<string, (double Min, double Max)> limits)
    {
        string Show(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
            throw new ArgumentException($"{reg.Name} {value}: not a number. Nothing was written.");
        if (string.Equals(reg.Name, "Goal_Position", StringComparison.OrdinalIgnoreCase))
        {
            var (min, max) = limits.TryGetValue(m.Name + ".pos", out var l) ? l
                : throw new ArgumentException($"{m.Name} has no joint limits (no calibration), so Goal_Position cannot be checked. Nothing was written.");
            if (value < min || value > max)
                throw new ArgumentException($"Goal_Position {Show(value)} for {m.Name} is outside its joint limits [{Show(min)}, {Show(max)}] (from the calibration). Nothing was written.");
            return reg.Encode(bus.UnnormalizeOne(m, value));
        }
        if (value != Math.Round(value) || Math.Abs(value) > int.MaxValue)
            throw new ArgumentException($"{reg.Name} takes a whole number of register units, got {Show(value)}. Nothing was written.");
        if (string.Equals(reg.Name, "Torque_Enable", StringComparison.OrdinalIgnoreCase) && value is not (0 or 1))
            throw new ArgumentException($"Torque_Enable takes 0 or 1, got {Show(value)}. Nothing was written.");
        try
        {
            return reg.Encode((int)value);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"{reg.Name} {Show(value)} does not fit the register ({e.Message.Split('\n')[0].Split(" (Parameter")[0]}). Nothing was written.", e);
        }
    }
}
