using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Dynamixel;

/// <summary>X-series control table, model numbers and baud-rate codes (DYNAMIXEL Protocol 2.0).</summary>
public static class DynamixelTables
{
    public const int DefaultBaudRate = 1_000_000;

    /// <summary>Steps per turn of every X-series model.</summary>
    public const int Resolution = 4096;

    /// <summary>The X-series Homing_Offset range is ±1,044,479 steps (about ±255 turns).</summary>
    public const int MaxHomingOffset = 1_044_479;

    public static readonly IReadOnlyDictionary<string, int> ModelNumbers = new Dictionary<string, int>
    {
        ["xl330-m077"] = 1190,
        ["xl330-m288"] = 1200,
        ["xl430-w250"] = 1060,
        ["xm430-w350"] = 1020,
        ["xm540-w270"] = 1120,
        ["xc430-w150"] = 1070,
    };

    public static readonly IReadOnlyDictionary<int, int> BaudRateCodes = new Dictionary<int, int>
    {
        [0] = 9_600, [1] = 57_600, [2] = 115_200, [3] = 1_000_000, [4] = 2_000_000, [5] = 3_000_000, [6] = 4_000_000,
    };

    public static readonly IReadOnlyList<int> ScanBaudRates = [1_000_000, 57_600, 115_200, 2_000_000, 3_000_000, 4_000_000, 9_600];

    public static string ModelName(int modelNumber) =>
        ModelNumbers.FirstOrDefault(kv => kv.Value == modelNumber).Key ?? $"unknown({modelNumber})";

    /// <summary>X-series: signed registers are two's complement.</summary>
    public static readonly ControlTable X = new("DYNAMIXEL X-series",
    [
        new("Model_Number", 0, 2), new("Model_Information", 2, 4), new("Firmware_Version", 6, 1),
        new("ID", 7, 1), new("Baud_Rate", 8, 1), new("Return_Delay_Time", 9, 1), new("Drive_Mode", 10, 1),
        new("Operating_Mode", 11, 1), new("Secondary_ID", 12, 1), new("Protocol_Type", 13, 1),
        new("Homing_Offset", 20, 4, TwosComplement: true), new("Moving_Threshold", 24, 4),
        new("Temperature_Limit", 31, 1), new("Max_Voltage_Limit", 32, 2), new("Min_Voltage_Limit", 34, 2),
        new("PWM_Limit", 36, 2), new("Current_Limit", 38, 2), new("Acceleration_Limit", 40, 4),
        new("Velocity_Limit", 44, 4), new("Max_Position_Limit", 48, 4), new("Min_Position_Limit", 52, 4),
        new("Shutdown", 63, 1), new("Torque_Enable", 64, 1), new("LED", 65, 1), new("Status_Return_Level", 68, 1),
        new("Registered_Instruction", 69, 1), new("Hardware_Error_Status", 70, 1),
        new("Velocity_I_Gain", 76, 2), new("Velocity_P_Gain", 78, 2), new("Position_D_Gain", 80, 2),
        new("Position_I_Gain", 82, 2), new("Position_P_Gain", 84, 2), new("Feedforward_2nd_Gain", 88, 2),
        new("Feedforward_1st_Gain", 90, 2), new("Bus_Watchdog", 98, 1), new("Goal_PWM", 100, 2, TwosComplement: true),
        new("Goal_Current", 102, 2, TwosComplement: true), new("Goal_Velocity", 104, 4, TwosComplement: true),
        new("Profile_Acceleration", 108, 4), new("Profile_Velocity", 112, 4), new("Goal_Position", 116, 4, TwosComplement: true),
        new("Realtime_Tick", 120, 2), new("Moving", 122, 1), new("Moving_Status", 123, 1),
        new("Present_PWM", 124, 2, TwosComplement: true), new("Present_Current", 126, 2, TwosComplement: true),
        new("Present_Velocity", 128, 4, TwosComplement: true), new("Present_Position", 132, 4, TwosComplement: true),
        new("Velocity_Trajectory", 136, 4, TwosComplement: true), new("Position_Trajectory", 140, 4, TwosComplement: true),
        new("Present_Input_Voltage", 144, 2), new("Present_Temperature", 146, 1),
    ]);

    /// <summary>Operating_Mode values used by LeRobot's Koch arms.</summary>
    public const int ExtendedPositionMode = 4;
    public const int CurrentPositionMode = 5;
}
