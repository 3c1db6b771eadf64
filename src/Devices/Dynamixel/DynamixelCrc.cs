namespace RobotActors.Devices.Dynamixel;

/// <summary>
/// The CRC-16 of DYNAMIXEL Protocol 2.0: polynomial x¹⁶ + x¹⁵ + x² + 1 (0x8005), initial value 0,
/// most significant bit first, no final XOR. Computed over every byte from the header to the
/// last parameter, after byte stuffing.
/// </summary>
public static class DynamixelCrc
{
    private static readonly ushort[] Table = BuildTable();

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x8005) : (ushort)(crc << 1);
            table[i] = crc;
        }
        return table;
    }

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
            crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        return crc;
    }
}
