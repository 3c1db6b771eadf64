using System.Text.Json.Serialization;

namespace RobotActors.Devices.Motors;

/// <summary>One motor's entry of a LeRobot calibration file.</summary>
public sealed record MotorCalibration(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("drive_mode")] int DriveMode,
    [property: JsonPropertyName("homing_offset")] int HomingOffset,
    [property: JsonPropertyName("range_min")] int RangeMin,
    [property: JsonPropertyName("range_max")] int RangeMax);
