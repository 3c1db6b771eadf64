namespace RobotActors.Devices.Feetech;

/// <summary>
/// Framing of Feetech SCS/STS packets: FF FF ID LEN INSTR|ERR P1..Pn CHK, with LEN = n + 2 and
/// CHK = ~(ID + LEN + INSTR + ΣP) &amp; 0xFF. Builds instruction packets (the bus side) and status
/// packets (the emulator side).
/// </summary>
public static class FeetechPacket
{
    public const byte BroadcastId = 0xFE;
    public const byte MaxId = 252;
    public const int HeaderLength = 4; // FF FF ID LEN

    public static byte Checksum(ReadOnlySpan<byte> idThroughLastParameter)
    {
        var sum = 0;
        foreach (var b in idThroughLastParameter)
            sum += b;
        return (byte)(~sum & 0xFF);
    }

    /// <summary>An instruction packet, or (with an error byte in place of the instruction) a status packet.</summary>
    public static byte[] Build(byte id, byte instructionOrError, ReadOnlySpan<byte> parameters)
    {
        if (parameters.Length > 250)
            throw new ArgumentException($"A Feetech packet carries at most 250 parameter bytes, got {parameters.Length}.", nameof(parameters));
        var packet = new byte[parameters.Length + 6];
        packet[0] = 0xFF;
        packet[1] = 0xFF;
        packet[2] = id;
        packet[3] = (byte)(parameters.Length + 2);
        packet[4] = instructionOrError;
        parameters.CopyTo(packet.AsSpan(5));
        packet[^1] = Checksum(packet.AsSpan(2, packet.Length - 3));
        return packet;
    }

    public static byte[] Ping(byte id) => Build(id, FeetechInstruction.Ping, []);

    public static byte[] Read(byte id, byte address, byte length) => Build(id, FeetechInstruction.Read, [address, length]);

    public static byte[] Write(byte id, byte address, ReadOnlySpan<byte> data) => Build(id, FeetechInstruction.Write, Prefix(address, data));

    public static byte[] RegWrite(byte id, byte address, ReadOnlySpan<byte> data) => Build(id, FeetechInstruction.RegWrite, Prefix(address, data));

    public static byte[] Action(byte id = BroadcastId) => Build(id, FeetechInstruction.Action, []);

    public static byte[] SyncRead(byte address, byte length, ReadOnlySpan<byte> ids)
    {
        var p = new byte[ids.Length + 2];
        p[0] = address;
        p[1] = length;
        ids.CopyTo(p.AsSpan(2));
        return Build(BroadcastId, FeetechInstruction.SyncRead, p);
    }

    /// <summary>SYNC_WRITE: [addr, len, id1, d1.., id2, d2..]; every data block must be <paramref name="length"/> bytes.</summary>
    public static byte[] SyncWrite(byte address, byte length, IReadOnlyList<(byte Id, byte[] Data)> blocks)
    {
        var p = new byte[2 + blocks.Count * (length + 1)];
        p[0] = address;
        p[1] = length;
        var at = 2;
        foreach (var (id, data) in blocks)
        {
            if (data.Length != length)
                throw new ArgumentException($"Sync write block for id {id} has {data.Length} bytes, expected {length}.", nameof(blocks));
            p[at++] = id;
            data.CopyTo(p, at);
            at += length;
        }
        return Build(BroadcastId, FeetechInstruction.SyncWrite, p);
    }

    public static byte[] Status(byte id, FeetechError error, ReadOnlySpan<byte> parameters) => Build(id, (byte)error, parameters);

    private static byte[] Prefix(byte address, ReadOnlySpan<byte> data)
    {
        var p = new byte[data.Length + 1];
        p[0] = address;
        data.CopyTo(p.AsSpan(1));
        return p;
    }

    /// <summary>
    /// Looks for the first complete, checksum-valid packet in <paramref name="buffer"/> (the
    /// emulator's receive path). <paramref name="consumed"/> is how many leading bytes can be
    /// dropped (garbage, corrupt frames, and the packet itself when found). Frames with a bad
    /// checksum are skipped and counted in <paramref name="corrupt"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out ParsedPacket packet, out int consumed, ref int corrupt)
    {
        packet = default;
        var start = 0;
        while (true)
        {
            var header = buffer[start..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xFF]);
            if (header < 0)
            {
                // Keep a trailing FF: it may be the first half of the next header.
                consumed = buffer.Length > 0 && buffer[^1] == 0xFF ? buffer.Length - 1 : buffer.Length;
                return false;
            }
            start += header;
            // FF FF FF ...: 0xFF is never an id, so the header starts one byte later.
            if (buffer.Length - start >= 3 && buffer[start + 2] == 0xFF)
            {
                start += 1;
                continue;
            }
            consumed = start;
            if (buffer.Length - start < HeaderLength)
                return false;
            int len = buffer[start + 3];
            if (len < 2)
            {
                corrupt++;
                start += 2;
                continue;
            }
            if (buffer.Length - start < HeaderLength + len)
                return false;
            var frame = buffer.Slice(start, HeaderLength + len);
            if (Checksum(frame[2..^1]) != frame[^1])
            {
                corrupt++;
                start += 2;
                continue;
            }
            packet = new ParsedPacket(frame[2], frame[4], frame[5..^1].ToArray());
            consumed = start + frame.Length;
            return true;
        }
    }
}

/// <summary>A decoded packet: the id, the instruction (or status error byte), and the parameters.</summary>
public readonly record struct ParsedPacket(byte Id, byte InstructionOrError, byte[] Parameters);
