namespace RobotActors.Devices.Motors;

/// <summary>
/// LeRobot's position normalization: raw steps ⇄ degrees / -100..100 / 0..100 using a motor's
/// calibrated range. Degrees are not clamped; the two ranges are.
/// </summary>
public static class Normalization
{
    public static double Normalize(int raw, MotorCalibration cal, MotorNormMode mode, int resolution, bool applyDriveMode)
    {
        var (min, max, invert) = Range(cal, applyDriveMode);
        switch (mode)
        {
            case MotorNormMode.RangeM100To100:
            {
                var v = ((Math.Clamp(raw, min, max) - min) / (double)(max - min)) * 200.0 - 100.0;
                return invert ? -v : v;
            }
            case MotorNormMode.Range0To100:
            {
                var v = (Math.Clamp(raw, min, max) - min) / (double)(max - min) * 100.0;
                return invert ? 100.0 - v : v;
            }
            case MotorNormMode.Degrees:
            {
                var mid = (min + max) / 2.0;
                var v = (raw - mid) * 360.0 / (resolution - 1);
                return invert ? -v : v;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    public static int Unnormalize(double value, MotorCalibration cal, MotorNormMode mode, int resolution, bool applyDriveMode)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"Cannot send a non-finite position ({value}) to motor id {cal.Id}.", nameof(value));
        var (min, max, invert) = Range(cal, applyDriveMode);
        switch (mode)
        {
            case MotorNormMode.RangeM100To100:
            {
                var v = invert ? -value : value;
                v = Math.Clamp(v, -100.0, 100.0);
                return (int)((v + 100.0) / 200.0 * (max - min) + min);
            }
            case MotorNormMode.Range0To100:
            {
                var v = invert ? 100.0 - value : value;
                v = Math.Clamp(v, 0.0, 100.0);
                return (int)(v / 100.0 * (max - min) + min);
            }
            case MotorNormMode.Degrees:
            {
                var v = invert ? -value : value;
                var mid = (min + max) / 2.0;
                return (int)(v * (resolution - 1) / 360.0 + mid);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    private static (int Min, int Max, bool Invert) Range(MotorCalibration cal, bool applyDriveMode)
    {
        if (cal.RangeMax == cal.RangeMin)
            throw new InvalidOperationException($"Motor id {cal.Id} has range_min == range_max == {cal.RangeMin}: the calibration is invalid. Run `robotactors calibrate`.");
        return (cal.RangeMin, cal.RangeMax, applyDriveMode && cal.DriveMode != 0);
    }

    public static string ToLeRobotName(this MotorNormMode mode) => mode switch
    {
        MotorNormMode.Range0To100 => "range_0_100",
        MotorNormMode.RangeM100To100 => "range_m100_100",
        _ => "degrees",
    };
}
