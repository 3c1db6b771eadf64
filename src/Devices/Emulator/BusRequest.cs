using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;

namespace RobotActors.Devices.Emulator;

public enum BusInstruction { Ping, Read, Write, RegWrite, Action, SyncRead, SyncWrite, Unsupported }

/// <summary>An instruction packet decoded independently of its protocol.</summary>
public sealed record BusRequest(byte Id, BusInstruction Instruction, int Address = 0, int Length = 0, byte[]? Data = null,
    byte[]? SyncIds = null, IReadOnlyList<(byte Id, byte[] Data)>? SyncBlocks = null);

/// <summary>The wire side of an emulated bus: decode instruction packets, encode status packets.</summary>
public interface IEmulatedProtocol
{
    byte BroadcastId { get; }
    bool TryParse(ReadOnlySpan<byte> buffer, out BusRequest request, out int consumed, ref int corrupt);
    byte[] Status(EmulatedServo servo, byte[] data);
    /// <summary>The data a PING reply carries (none on Feetech; model and firmware on DYNAMIXEL).</summary>
    byte[] PingData(EmulatedServo servo);
}

/// <summary>Feetech SCS/STS protocol 0: one-byte addresses and lengths.</summary>
public sealed class FeetechEmulatedProtocol : IEmulatedProtocol
{
    public byte BroadcastId => FeetechPacket.BroadcastId;

    public bool TryParse(ReadOnlySpan<byte> buffer, out BusRequest request, out int consumed, ref int corrupt)
    {
        request = new BusRequest(0, BusInstruction.Unsupported);
        if (!FeetechPacket.TryParse(buffer, out var packet, out consumed, ref corrupt)) return false;
        var p = packet.Parameters;
        request = (packet.InstructionOrError, p.Length) switch
        {
            (FeetechInstruction.Ping, _) => new BusRequest(packet.Id, BusInstruction.Ping),
            (FeetechInstruction.Read, 2) => new BusRequest(packet.Id, BusInstruction.Read, p[0], p[1]),
            (FeetechInstruction.Write, >= 2) => new BusRequest(packet.Id, BusInstruction.Write, p[0], p.Length - 1, p[1..]),
            (FeetechInstruction.RegWrite, >= 2) => new BusRequest(packet.Id, BusInstruction.RegWrite, p[0], p.Length - 1, p[1..]),
            (FeetechInstruction.Action, _) => new BusRequest(packet.Id, BusInstruction.Action),
            (FeetechInstruction.SyncRead, >= 2) => new BusRequest(packet.Id, BusInstruction.SyncRead, p[0], p[1], SyncIds: p[2..]),
            (FeetechInstruction.SyncWrite, >= 2) => new BusRequest(packet.Id, BusInstruction.SyncWrite, p[0], p[1], SyncBlocks: Blocks(p, 2, p[1])),
            _ => new BusRequest(packet.Id, BusInstruction.Unsupported),
        };
        return true;
    }

    public byte[] Status(EmulatedServo servo, byte[] data) => FeetechPacket.Status((byte)servo.Id, (FeetechError)servo.ErrorByte, data);

    public byte[] PingData(EmulatedServo servo) => [];

    internal static List<(byte, byte[])> Blocks(byte[] p, int from, int length)
    {
        var blocks = new List<(byte, byte[])>();
        for (var at = from; length > 0 && at + 1 + length <= p.Length; at += length + 1)
            blocks.Add((p[at], p[(at + 1)..(at + 1 + length)]));
        return blocks;
    }
}

/// <summary>DYNAMIXEL Protocol 2.0: two-byte addresses and lengths, CRC-16, byte stuffing.</summary>
public sealed class DynamixelEmulatedProtocol : IEmulatedProtocol
{
    public byte BroadcastId => DynamixelPacket.BroadcastId;

    public bool TryParse(ReadOnlySpan<byte> buffer, out BusRequest request, out int consumed, ref int corrupt)
    {
        request = new BusRequest(0, BusInstruction.Unsupported);
        if (!DynamixelPacketParser.TryParse(buffer, out var id, out var payload, out consumed, ref corrupt)) return false;
        var p = payload[1..];
        int Word(int at) => p[at] | p[at + 1] << 8;
        request = (payload[0], p.Length) switch
        {
            (DynamixelInstruction.Ping, _) => new BusRequest(id, BusInstruction.Ping),
            (DynamixelInstruction.Read, 4) => new BusRequest(id, BusInstruction.Read, Word(0), Word(2)),
            (DynamixelInstruction.Write, >= 3) => new BusRequest(id, BusInstruction.Write, Word(0), p.Length - 2, p[2..]),
            (DynamixelInstruction.RegWrite, >= 3) => new BusRequest(id, BusInstruction.RegWrite, Word(0), p.Length - 2, p[2..]),
            (DynamixelInstruction.Action, _) => new BusRequest(id, BusInstruction.Action),
            (DynamixelInstruction.SyncRead, >= 4) => new BusRequest(id, BusInstruction.SyncRead, Word(0), Word(2), SyncIds: p[4..]),
            (DynamixelInstruction.SyncWrite, >= 4) => new BusRequest(id, BusInstruction.SyncWrite, Word(0), Word(2), SyncBlocks: FeetechEmulatedProtocol.Blocks(p, 4, Word(2))),
            _ => new BusRequest(id, BusInstruction.Unsupported),
        };
        return true;
    }

    public byte[] Status(EmulatedServo servo, byte[] data) => DynamixelPacket.Status((byte)servo.Id, servo.ErrorByte, data);

    public byte[] PingData(EmulatedServo servo)
    {
        var model = servo.Get("Model_Number");
        return [(byte)model, (byte)(model >> 8), (byte)servo.Get("Firmware_Version")];
    }
}
