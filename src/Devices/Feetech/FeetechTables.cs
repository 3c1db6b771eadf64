using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Feetech;

/// <summary>Feetech model numbers, resolutions, baud-rate codes and control tables (STS/SMS and SCS).</summary>
public static class FeetechTables
{
    public const int DefaultBaudRate = 1_000_000;

    public static readonly IReadOnlyDictionary<string, int> ModelNumbers = new Dictionary<string, int>
    {
        ["sts3215"] = 777,
        ["sts3250"] = 2825,
        ["sm8512bl"] = 11272,
        ["scs0009"] = 1284,
    };

    /// <summary>Baud_Rate register value → bits per second.</summary>
    public static readonly IReadOnlyDictionary<int, int> BaudRateCodes = new Dictionary<int, int>
    {
        [0] = 1_000_000, [1] = 500_000, [2] = 250_000, [3] = 128_000,
        [4] = 115_200, [5] = 57_600, [6] = 38_400, [7] = 19_200,
    };

    /// <summary>The rates a scan tries, fastest first (the factory default is 1 Mbit/s).</summary>
    public static readonly IReadOnlyList<int> ScanBaudRates =
        [1_000_000, 500_000, 250_000, 128_000, 115_200, 57_600, 38_400, 19_200, 14_400, 9_600, 4_800];

    public static int BaudRateCode(int baud) =>
        BaudRateCodes.FirstOrDefault(kv => kv.Value == baud, new(-1, 0)).Key is var code and >= 0
            ? code
            : throw new ArgumentException($"Feetech servos do not support {baud} baud. Supported: {string.Join(", ", BaudRateCodes.Values)}.");

    public static string ModelName(int modelNumber) =>
        ModelNumbers.FirstOrDefault(kv => kv.Value == modelNumber).Key ?? $"unknown({modelNumber})";

    /// <summary>Homing_Offset is sign-magnitude with the sign in bit 11, so it holds ±2047.</summary>
    public const int MaxHomingOffset = (1 << 11) - 1;

    public static int Resolution(string model) => model.StartsWith("scs", StringComparison.OrdinalIgnoreCase) ? 1024 : 4096;

    public static bool IsScs(string model) => model.StartsWith("scs", StringComparison.OrdinalIgnoreCase);

    public static ControlTable Table(string model) => IsScs(model) ? Scs : Sts;

    /// <summary>The EPROM registers STS/SMS and SCS servos have at the same addresses.</summary>
    private static readonly Register[] SharedEprom =
    [
        new("Firmware_Major_Version", 0, 1), new("Firmware_Minor_Version", 1, 1),
        new("Model_Number", 3, 2), new("ID", 5, 1), new("Baud_Rate", 6, 1),
        new("Return_Delay_Time", 7, 1), new("Response_Status_Level", 8, 1),
        new("Min_Position_Limit", 9, 2), new("Max_Position_Limit", 11, 2),
        new("Max_Temperature_Limit", 13, 1), new("Max_Voltage_Limit", 14, 1), new("Min_Voltage_Limit", 15, 1),
        new("Max_Torque_Limit", 16, 2), new("Phase", 18, 1), new("Unloading_Condition", 19, 1),
        new("LED_Alarm_Condition", 20, 1), new("P_Coefficient", 21, 1), new("D_Coefficient", 22, 1),
        new("I_Coefficient", 23, 1), new("Minimum_Startup_Force", 24, 2), new("CW_Dead_Zone", 26, 1),
        new("CCW_Dead_Zone", 27, 1)
    ];

    /// <summary>STS/SMS series (STS3215 and friends).</summary>
    public static readonly ControlTable Sts = new("Feetech STS/SMS",
    [
        // EPROM
        .. SharedEprom, new("Protection_Current", 28, 2), new("Angular_Resolution", 30, 1),
        new("Homing_Offset", 31, 2, SignBit: 11), new("Operating_Mode", 33, 1), new("Protective_Torque", 34, 1),
        new("Protection_Time", 35, 1), new("Overload_Torque", 36, 1), new("Velocity_closed_loop_P_proportional_coefficient", 37, 1),
        new("Over_Current_Protection_Time", 38, 1), new("Velocity_closed_loop_I_integral_coefficient", 39, 1),
        // SRAM
        new("Torque_Enable", 40, 1), new("Acceleration", 41, 1), new("Goal_Position", 42, 2, SignBit: 15),
        new("Goal_Time", 44, 2), new("Goal_Velocity", 46, 2, SignBit: 15), new("Torque_Limit", 48, 2),
        new("Lock", 55, 1), new("Present_Position", 56, 2, SignBit: 15), new("Present_Velocity", 58, 2, SignBit: 15),
        new("Present_Load", 60, 2, SignBit: 10), new("Present_Voltage", 62, 1), new("Present_Temperature", 63, 1),
        new("Status", 65, 1), new("Moving", 66, 1), new("Present_Current", 69, 2),
        // Factory
        new("Maximum_Acceleration", 85, 1),
    ]);

    /// <summary>SCS series: no homing offset, Lock at 48, 1024 steps per turn, big-endian (protocol 1).</summary>
    public static readonly ControlTable Scs = new("Feetech SCS",
    [
        .. SharedEprom, new("Protective_Torque", 37, 1), new("Protection_Time", 38, 1),
        new("Torque_Enable", 40, 1), new("Acceleration", 41, 1), new("Goal_Position", 42, 2),
        new("Goal_Time", 44, 2), new("Goal_Velocity", 46, 2), new("Lock", 48, 1),
        new("Present_Position", 56, 2), new("Present_Velocity", 58, 2), new("Present_Load", 60, 2),
        new("Present_Voltage", 62, 1), new("Present_Temperature", 63, 1), new("Sync_Write_Flag", 64, 1),
        new("Status", 65, 1), new("Moving", 66, 1),
    ]);

    public static string DescribeErrors(byte error)
    {
        if (error == 0) return "no error";
        var names = new List<string>();
        if ((error & 1) != 0) names.Add("input voltage error");
        if ((error & 2) != 0) names.Add("angle sensor error");
        if ((error & 4) != 0) names.Add("overheat error");
        if ((error & 8) != 0) names.Add("overcurrent error");
        if ((error & 32) != 0) names.Add("overload error");
        if ((error & ~0x2F) != 0) names.Add($"unknown error bits 0x{error & ~0x2F:X2}");
        return string.Join(", ", names);
    }
}
