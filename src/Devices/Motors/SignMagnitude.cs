namespace RobotActors.Devices.Motors;

/// <summary>
/// Feetech's sign-magnitude encoding: the sign lives in one bit (bit 15 for positions and
/// velocities, bit 11 for the homing offset, bit 10 for the load), the magnitude below it.
/// </summary>
public static class SignMagnitude
{
    public static int Encode(int value, int signBit, string registerName = "value")
    {
        var maxMagnitude = (1 << signBit) - 1;
        var magnitude = Math.Abs(value);
        if (magnitude > maxMagnitude)
        {
            var hint = signBit == 11
                ? " The homing offset of a Feetech servo is limited to ±2047 steps: re-run calibration with the arm in the middle of its range, or re-seat the horn so the middle position is nearer 2047."
                : "";
            throw new ArgumentOutOfRangeException(nameof(value), value,
                $"{registerName}: magnitude {magnitude} exceeds {maxMagnitude} (max for sign bit {signBit}).{hint}");
        }
        return value < 0 ? (1 << signBit) | magnitude : magnitude;
    }

    public static int Decode(int raw, int signBit)
    {
        var magnitude = raw & ((1 << signBit) - 1);
        return (raw >> signBit & 1) == 1 ? -magnitude : magnitude;
    }
}
