using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Tests.Dynamixel;

/// <summary>
/// DYNAMIXEL Protocol 2.0 packets. Layout: FF FF FD 00 ID LEN_L LEN_H INST P.. CRC_L CRC_H with
/// LEN = 1 (INST) + params + 2 (CRC). CRC-16: poly 0x8005, init 0, MSB first, over header..last
/// param. The CRC values are the ROBOTIS e-manual's worked examples (ping, read, write, status,
/// sync read, sync write), which a bit-by-bit evaluation of that polynomial reproduces.
/// </summary>
public class DynamixelPacketTests
{
    [Fact]
    public void Crc16_of_the_manual_ping()
    {
        // e-manual: CRC of FF FF FD 00 01 03 00 01 is 0x4E19, sent low byte first (19 4E)
        Assert.Equal(0x4E19, DynamixelCrc.Compute([0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x03, 0x00, 0x01]));
    }

    [Fact]
    public void Ping()
    {
        // LEN = 1 + 0 + 2 = 3
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x03, 0x00, 0x01, 0x19, 0x4E }, DynamixelPacket.Ping(1));
    }

    [Fact]
    public void Read_present_position()
    {
        // Present_Position = 132 = 0x84, 4 bytes: params 84 00 04 00, LEN = 1 + 4 + 2 = 7
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x07, 0x00, 0x02, 0x84, 0x00, 0x04, 0x00, 0x1D, 0x15 },
            DynamixelPacket.Read(1, 132, 4));
    }

    [Fact]
    public void Write_goal_position_512()
    {
        // Goal_Position = 116 = 0x74; 512 = 0x00000200 -> 00 02 00 00; LEN = 1 + 6 + 2 = 9
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x09, 0x00, 0x03, 0x74, 0x00, 0x00, 0x02, 0x00, 0x00, 0xCA, 0x89 },
            DynamixelPacket.Write(1, 116, DynamixelPacket.ToBytes(512, 4)));
    }

    [Fact]
    public void Status_of_a_ping()
    {
        // INST 0x55, ERR 0, model 1030 = 0x0406 -> 06 04, firmware 0x26; LEN = 1 + 1 + 3 + 2 = 7
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x07, 0x00, 0x55, 0x00, 0x06, 0x04, 0x26, 0x65, 0x5D },
            DynamixelPacket.Status(1, 0, [0x06, 0x04, 0x26]));
    }

    [Fact]
    public void Sync_read_and_sync_write()
    {
        // Sync read 4 bytes at 132 from ids 1, 2: params 84 00 04 00 01 02, LEN = 1 + 6 + 2 = 9
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0xFE, 0x09, 0x00, 0x82, 0x84, 0x00, 0x04, 0x00, 0x01, 0x02, 0xCE, 0xFA },
            DynamixelPacket.SyncRead(132, 4, [1, 2]));
        // Sync write goal 150 (0x96) to id 1 and 170 (0xAA) to id 2: LEN = 1 + 4 + 2*5 + 2 = 17 = 0x11
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0xFE, 0x11, 0x00, 0x83, 0x74, 0x00, 0x04, 0x00,
                                  0x01, 0x96, 0x00, 0x00, 0x00, 0x02, 0xAA, 0x00, 0x00, 0x00, 0x82, 0x87 },
            DynamixelPacket.SyncWrite(116, 4, [(1, DynamixelPacket.ToBytes(150, 4)), (2, DynamixelPacket.ToBytes(170, 4))]));
    }

    [Fact]
    public void Byte_stuffing_inserts_FD_after_FF_FF_FD()
    {
        // data FF FF FD 00 -> params 74 00 FF FF FD FD 00 (one stuffed FD): LEN = 1 + 7 + 2 = 10 = 0x0A
        var packet = DynamixelPacket.Write(1, 116, [0xFF, 0xFF, 0xFD, 0x00]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x0A, 0x00, 0x03, 0x74, 0x00, 0xFF, 0xFF, 0xFD, 0xFD, 0x00 }, packet[..^2]);
        Assert.Equal(DynamixelCrc.Compute(packet.AsSpan(0, packet.Length - 2)), packet[^2] | packet[^1] << 8);
        Assert.Equal(new byte[] { 0x03, 0x74, 0x00, 0xFF, 0xFF, 0xFD, 0x00 }, DynamixelPacket.Unstuff(packet.AsSpan(7, packet.Length - 9)));
    }

    [Fact]
    public void Twos_complement_registers_and_error_text()
    {
        var homing = DynamixelTables.X["Homing_Offset"];
        Assert.Equal(unchecked((int)0xFFFFFC18), homing.Encode(-1000)); // 4 bytes: -1000 stays two's complement
        Assert.Equal(-1000, homing.Decode(unchecked((int)0xFFFFFC18)));
        var current = DynamixelTables.X["Present_Current"];
        Assert.Equal(-2, current.Decode(0xFFFE)); // 2 bytes: 0xFFFE = -2
        Assert.Equal("data range error, hardware alert (read Hardware_Error_Status)", DynamixelPacket.DescribeError(0x84));
    }

    /// <summary>The bus reads a status reply through a real pseudo-terminal, checking CRC and unstuffing.</summary>
    [Fact]
    public async Task Bus_reads_through_a_pty_and_rejects_a_bad_crc()
    {
        using var pty = PseudoTerminal.Open();
        using var bus = new DynamixelBus(SerialTransports.Open(pty.SlavePath, 1_000_000),
            [new NamedMotor("shoulder_pan", new Motor(1, "xl430-w250", MotorNormMode.RangeM100To100))])
        {
            PacketTimeout = TimeSpan.FromSeconds(2), // the responder task may start late on a busy machine
        };
        // Reply to READ of Present_Position with 0x000007FF = 2047: LEN = 1 + 1 + 4 + 2 = 8
        var reply = DynamixelPacket.Status(1, 0, [0xFF, 0x07, 0x00, 0x00]);
        var responder = Task.Run(() =>
        {
            var request = ReadRequest(pty, 14);
            pty.WriteMaster(reply);
            var second = ReadRequest(pty, 14);
            var broken = (byte[])reply.Clone();
            broken[^1] ^= 0xFF;
            pty.WriteMaster(broken);
            return (request, second);
        });
        Assert.Equal(2047, bus.Read("Present_Position", "shoulder_pan", normalize: false));
        Assert.Throws<MotorBusCommunicationException>(() => bus.Read("Present_Position", "shoulder_pan", normalize: false));
        var (first, _) = await responder;
        Assert.Equal(DynamixelPacket.Read(1, 132, 4), first);
        Assert.Equal(1, bus.Statistics.CorruptPackets);
    }

    private static byte[] ReadRequest(PseudoTerminal pty, int length)
    {
        var buffer = new byte[length];
        var got = 0;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (got < length && DateTime.UtcNow < deadline)
            got += pty.ReadMaster(buffer.AsSpan(got), 100);
        return buffer;
    }
}
