using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Emulator;

/// <summary>
/// What an emulated servo needs to know about its family: the control table and the registers
/// its physics reads and writes, how the homing offset applies, and factory defaults.
/// </summary>
public sealed record ServoFamily
{
    public required string Name { get; init; }
    public required ControlTable Table { get; init; }
    public required IReadOnlyDictionary<string, int> ModelNumbers { get; init; }
    public required IReadOnlyDictionary<int, int> BaudCodes { get; init; }
    public required int DefaultBaudRate { get; init; }
    /// <summary>Feetech: Present = Actual - Homing_Offset (-1); DYNAMIXEL: Present = Actual + Homing_Offset (+1).</summary>
    public required int HomingSign { get; init; }
    /// <summary>Feetech keeps the present position within one turn; DYNAMIXEL reports it as is.</summary>
    public required bool WrapsToOneTurn { get; init; }
    /// <summary>Operating_Mode values in which the goal is clamped to the position limits.</summary>
    public required int[] LimitedModes { get; init; }
    public required string StatusLevel { get; init; }
    /// <summary>The status level from which writes are acknowledged (Feetech 1, DYNAMIXEL 2).</summary>
    public required int WriteReplyLevel { get; init; }
    public required string Voltage { get; init; }
    public required string TemperatureLimit { get; init; }
    public required string MaxVoltage { get; init; }
    public required string MinVoltage { get; init; }
    public required string? LoadRegister { get; init; }
    public required string? CurrentRegister { get; init; }
    public required string? SpeedLimit { get; init; }
    public required string EffortLimit { get; init; }
    public required int ReturnDelayUnitMicroseconds { get; init; }
    public required Func<int, bool> IsReadOnly { get; init; }
    /// <summary>First address of the RAM area, which a power cycle clears (the EEPROM area below it persists).</summary>
    public required int RamStart { get; init; }
    public required IReadOnlyList<(string Register, int Value)> Defaults { get; init; }

    public static readonly ServoFamily Feetech = new()
    {
        Name = "feetech", Table = FeetechTables.Sts, ModelNumbers = FeetechTables.ModelNumbers, BaudCodes = FeetechTables.BaudRateCodes,
        DefaultBaudRate = FeetechTables.DefaultBaudRate, HomingSign = -1, WrapsToOneTurn = true, LimitedModes = [0],
        StatusLevel = "Response_Status_Level", WriteReplyLevel = 1, Voltage = "Present_Voltage", TemperatureLimit = "Max_Temperature_Limit",
        MaxVoltage = "Max_Voltage_Limit", MinVoltage = "Min_Voltage_Limit", LoadRegister = "Present_Load", CurrentRegister = "Present_Current",
        SpeedLimit = "Goal_Velocity", EffortLimit = "Torque_Limit", ReturnDelayUnitMicroseconds = 2,
        // Firmware, model number and the Present_* block belong to the servo.
        IsReadOnly = a => a is 0 or 1 or 3 or 4 or (>= 56 and <= 70),
        RamStart = 40,
        Defaults =
        [
            ("Firmware_Major_Version", 3), ("Firmware_Minor_Version", 10), ("Baud_Rate", 0),
            ("Return_Delay_Time", 0), // LeRobot's configure_motors sets 0 at every connect (factory: 250 = 500 µs)
            ("Response_Status_Level", 1), ("Min_Position_Limit", 0), ("Max_Position_Limit", 4095),
            ("Max_Temperature_Limit", 70), ("Max_Voltage_Limit", 140), ("Min_Voltage_Limit", 40), ("Max_Torque_Limit", 1000),
            ("P_Coefficient", 32), ("D_Coefficient", 32), ("Protection_Current", 500), ("Angular_Resolution", 1),
            ("Overload_Torque", 80), ("Torque_Limit", 1000), ("Present_Voltage", 120),
        ],
    };

    public static readonly ServoFamily DynamixelX = new()
    {
        Name = "dynamixel", Table = DynamixelTables.X, ModelNumbers = DynamixelTables.ModelNumbers, BaudCodes = DynamixelTables.BaudRateCodes,
        DefaultBaudRate = DynamixelTables.DefaultBaudRate, HomingSign = 1, WrapsToOneTurn = false, LimitedModes = [3],
        StatusLevel = "Status_Return_Level", WriteReplyLevel = 2, Voltage = "Present_Input_Voltage", TemperatureLimit = "Temperature_Limit",
        MaxVoltage = "Max_Voltage_Limit", MinVoltage = "Min_Voltage_Limit", LoadRegister = null, CurrentRegister = "Present_Current",
        SpeedLimit = null, EffortLimit = "Current_Limit", ReturnDelayUnitMicroseconds = 2,
        // Model, firmware and everything from Realtime_Tick on (the Present_* block) belong to the servo.
        IsReadOnly = a => a is <= 6 or (>= 120 and <= 147),
        RamStart = 64,
        Defaults =
        [
            ("Firmware_Version", 45), ("Baud_Rate", 3), ("Return_Delay_Time", 0), ("Operating_Mode", 3),
            ("Temperature_Limit", 80), ("Max_Voltage_Limit", 140), ("Min_Voltage_Limit", 60), ("PWM_Limit", 885),
            ("Current_Limit", 1193), ("Max_Position_Limit", 4095), ("Min_Position_Limit", 0), ("Status_Return_Level", 2),
            ("Position_P_Gain", 800), ("Present_Input_Voltage", 120),
        ],
    };
}
