namespace RobotActors.Devices.Feetech;

/// <summary>Instruction codes of the Feetech SCS/STS protocol.</summary>
public static class FeetechInstruction
{
    public const byte Ping = 0x01;
    public const byte Read = 0x02;
    public const byte Write = 0x03;
    public const byte RegWrite = 0x04;
    public const byte Action = 0x05;
    public const byte Reset = 0x0A;
    public const byte SyncRead = 0x82;
    public const byte SyncWrite = 0x83;
}

/// <summary>Status-packet error bits of Feetech servos.</summary>
[Flags]
public enum FeetechError : byte
{
    None = 0,
    Voltage = 1,
    Angle = 2,
    Overheat = 4,
    OverCurrent = 8,
    Overload = 32,
}
