namespace RobotActors.Devices.Dynamixel;

/// <summary>Instruction codes of DYNAMIXEL Protocol 2.0.</summary>
public static class DynamixelInstruction
{
    public const byte Ping = 0x01;
    public const byte Read = 0x02;
    public const byte Write = 0x03;
    public const byte RegWrite = 0x04;
    public const byte Action = 0x05;
    public const byte FactoryReset = 0x06;
    public const byte Reboot = 0x08;
    public const byte Status = 0x55;
    public const byte SyncRead = 0x82;
    public const byte SyncWrite = 0x83;
}

/// <summary>
/// DYNAMIXEL Protocol 2.0 framing: FF FF FD 00 ID LEN_L LEN_H INST P.. CRC_L CRC_H, where LEN counts
/// the instruction, the (stuffed) parameters and the CRC. Byte stuffing inserts an extra FD after
/// every FF FF FD inside the instruction and parameters so no header appears mid-packet.
/// </summary>
public static class DynamixelPacket
{
    public const byte BroadcastId = 0xFE;
    public const byte MaxId = 252;
    public static ReadOnlySpan<byte> Header => [0xFF, 0xFF, 0xFD, 0x00];

    /// <summary>An instruction packet; for a status packet pass Status as instruction and the error as the first parameter.</summary>
    public static byte[] Build(byte id, byte instruction, ReadOnlySpan<byte> parameters)
    {
        var stuffed = Stuff(instruction, parameters);
        var length = stuffed.Count + 2; // instruction + parameters + CRC
        var packet = new byte[7 + length];
        Header.CopyTo(packet);
        packet[4] = id;
        packet[5] = (byte)length;
        packet[6] = (byte)(length >> 8);
        stuffed.CopyTo(packet, 7);
        var crc = DynamixelCrc.Compute(packet.AsSpan(0, packet.Length - 2));
        packet[^2] = (byte)crc;
        packet[^1] = (byte)(crc >> 8);
        return packet;
    }

    /// <summary>Stuffs the instruction byte and parameters together (the instruction itself is never FD after FF FF).</summary>
    private static List<byte> Stuff(byte instruction, ReadOnlySpan<byte> parameters)
    {
        var output = new List<byte>(parameters.Length + 4) { instruction };
        foreach (var b in parameters)
        {
            output.Add(b);
            var n = output.Count;
            if (n >= 3 && output[n - 3] == 0xFF && output[n - 2] == 0xFF && output[n - 1] == 0xFD)
                output.Add(0xFD);
        }
        return output;
    }

    /// <summary>Removes the stuffing bytes: FF FF FD FD becomes FF FF FD.</summary>
    public static byte[] Unstuff(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length);
        for (var i = 0; i < data.Length; i++)
        {
            output.Add(data[i]);
            var n = output.Count;
            if (n >= 3 && output[n - 3] == 0xFF && output[n - 2] == 0xFF && output[n - 1] == 0xFD
                && i + 1 < data.Length && data[i + 1] == 0xFD)
                i++;
        }
        return output.ToArray();
    }

    public static byte[] Ping(byte id) => Build(id, DynamixelInstruction.Ping, []);

    public static byte[] Read(byte id, ushort address, ushort length) =>
        Build(id, DynamixelInstruction.Read, [(byte)address, (byte)(address >> 8), (byte)length, (byte)(length >> 8)]);

    public static byte[] Write(byte id, ushort address, ReadOnlySpan<byte> data) =>
        Build(id, DynamixelInstruction.Write, [(byte)address, (byte)(address >> 8), .. data]);

    public static byte[] RegWrite(byte id, ushort address, ReadOnlySpan<byte> data) =>
        Build(id, DynamixelInstruction.RegWrite, [(byte)address, (byte)(address >> 8), .. data]);

    public static byte[] Action(byte id = BroadcastId) => Build(id, DynamixelInstruction.Action, []);

    public static byte[] SyncRead(ushort address, ushort length, ReadOnlySpan<byte> ids) =>
        Build(BroadcastId, DynamixelInstruction.SyncRead, [(byte)address, (byte)(address >> 8), (byte)length, (byte)(length >> 8), .. ids]);

    public static byte[] SyncWrite(ushort address, ushort length, IReadOnlyList<(byte Id, byte[] Data)> blocks)
    {
        var p = new List<byte> { (byte)address, (byte)(address >> 8), (byte)length, (byte)(length >> 8) };
        foreach (var (id, data) in blocks)
        {
            if (data.Length != length)
                throw new ArgumentException($"Sync write block for id {id} has {data.Length} bytes, expected {length}.", nameof(blocks));
            p.Add(id);
            p.AddRange(data);
        }
        return Build(BroadcastId, DynamixelInstruction.SyncWrite, p.ToArray());
    }

    public static byte[] Status(byte id, byte error, ReadOnlySpan<byte> parameters) =>
        Build(id, DynamixelInstruction.Status, [error, .. parameters]);

    public static byte[] ToBytes(int value, int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++) bytes[i] = (byte)(value >> (8 * i));
        return bytes;
    }

    public static int FromBytes(ReadOnlySpan<byte> bytes)
    {
        var value = 0;
        for (var i = 0; i < bytes.Length; i++) value |= bytes[i] << (8 * i);
        return value;
    }

    public static string DescribeError(byte error)
    {
        var text = (error & 0x7F) switch
        {
            0 => null,
            1 => "result fail",
            2 => "instruction error",
            3 => "CRC error",
            4 => "data range error",
            5 => "data length error",
            6 => "data limit error",
            7 => "access error",
            var n => $"error code {n}",
        };
        var alert = (error & 0x80) != 0 ? "hardware alert (read Hardware_Error_Status)" : null;
        return string.Join(", ", new[] { text, alert }.Where(s => s is not null)) is { Length: > 0 } s2 ? s2 : "no error";
    }
}

/// <summary>Parsing of whole packets from a byte stream (the emulator's receive path).</summary>
public static class DynamixelPacketParser
{
    /// <summary>
    /// Looks for the first complete, CRC-valid packet. <paramref name="consumed"/> bytes can be dropped
    /// (noise, corrupt frames, and the packet when found). The payload returned is unstuffed: instruction then parameters.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out byte id, out byte[] payload, out int consumed, ref int corrupt)
    {
        id = 0;
        payload = [];
        var start = 0;
        while (true)
        {
            var header = buffer[start..].IndexOf(DynamixelPacket.Header);
            if (header < 0)
            {
                consumed = Math.Max(start, buffer.Length - 3); // keep a possible partial header
                return false;
            }
            start += header;
            consumed = start;
            if (buffer.Length - start < 7) return false;
            var length = buffer[start + 5] | buffer[start + 6] << 8;
            if (length < 3)
            {
                corrupt++;
                start += 4;
                continue;
            }
            if (buffer.Length - start < 7 + length) return false;
            var frame = buffer.Slice(start, 7 + length);
            var crc = DynamixelCrc.Compute(frame[..^2]);
            if ((frame[^2] | frame[^1] << 8) != crc)
            {
                corrupt++;
                start += 4;
                continue;
            }
            id = frame[4];
            payload = DynamixelPacket.Unstuff(frame[7..^2]);
            consumed = start + frame.Length;
            return true;
        }
    }
}
