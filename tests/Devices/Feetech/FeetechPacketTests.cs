using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Tests.Feetech;

/// <summary>
/// Instruction and status packets against bytes worked out by hand from the Feetech SCS/STS
/// protocol: FF FF ID LEN INSTR P.. CHK, LEN = params + 2, CHK = ~(ID+LEN+INSTR+ΣP) &amp; 0xFF.
/// </summary>
public class FeetechPacketTests
{
    [Fact]
    public void Ping_id1()
    {
        // LEN = 0 + 2 = 2; sum = 0x01 + 0x02 + 0x01 = 0x04; ~0x04 & 0xFF = 0xFB
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x02, 0x01, 0xFB }, FeetechPacket.Ping(1));
    }

    [Fact]
    public void Broadcast_ping()
    {
        // sum = 0xFE + 0x02 + 0x01 = 0x101 -> low byte 0x01; ~0x01 = 0xFE
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFE, 0x02, 0x01, 0xFE }, FeetechPacket.Ping(FeetechPacket.BroadcastId));
    }

    [Fact]
    public void Read_present_position_of_id1()
    {
        // Present_Position = (56 = 0x38, 2 bytes). LEN = 2 + 2 = 4.
        // sum = 0x01 + 0x04 + 0x02 + 0x38 + 0x02 = 0x41; ~0x41 = 0xBE
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x04, 0x02, 0x38, 0x02, 0xBE }, FeetechPacket.Read(1, 56, 2));
    }

    [Fact]
    public void Write_goal_position_2048_to_id1()
    {
        // Goal_Position = (42 = 0x2A, 2 bytes); 2048 = 0x0800, little-endian 00 08. LEN = 3 + 2 = 5.
        // sum = 0x01 + 0x05 + 0x03 + 0x2A + 0x00 + 0x08 = 0x3B; ~0x3B = 0xC4
        var data = FeetechBus.ToBytes(2048, 2, protocolVersion: 0);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x05, 0x03, 0x2A, 0x00, 0x08, 0xC4 }, FeetechPacket.Write(1, 42, data));
    }

    [Fact]
    public void Reg_write_then_action()
    {
        // 1000 = 0x03E8 -> E8 03. sum = 0x01 + 0x05 + 0x04 + 0x2A + 0xE8 + 0x03 = 0x11F; ~0x1F = 0xE0
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x05, 0x04, 0x2A, 0xE8, 0x03, 0xE0 },
            FeetechPacket.RegWrite(1, 42, FeetechBus.ToBytes(1000, 2, 0)));
        // ACTION to broadcast: sum = 0xFE + 0x02 + 0x05 = 0x105; ~0x05 = 0xFA
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFE, 0x02, 0x05, 0xFA }, FeetechPacket.Action());
    }

    [Fact]
    public void Sync_read_of_six_positions_is_the_14_byte_request()
    {
        // params = 38 02 01 02 03 04 05 06 (8 bytes), LEN = 10 = 0x0A
        // sum = 0xFE + 0x0A + 0x82 + 0x38 + 0x02 + (1+2+3+4+5+6 = 0x15) = 0x1D9; ~0xD9 = 0x26
        var packet = FeetechPacket.SyncRead(56, 2, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFE, 0x0A, 0x82, 0x38, 0x02, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x26 }, packet);
    }

    [Fact]
    public void Sync_write_two_goals()
    {
        // params = 2A 02 | 01 00 08 | 02 00 04 (2048 and 1024), LEN = (2+1)*2 + 4 = 10
        // sum = 0xFE + 0x0A + 0x83 + 0x2A + 0x02 + 0x01 + 0x08 + 0x02 + 0x04 = 0x1C6; ~0xC6 = 0x39
        var packet = FeetechPacket.SyncWrite(42, 2, [(1, FeetechBus.ToBytes(2048, 2, 0)), (2, FeetechBus.ToBytes(1024, 2, 0))]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFE, 0x0A, 0x83, 0x2A, 0x02, 0x01, 0x00, 0x08, 0x02, 0x00, 0x04, 0x39 }, packet);
    }

    [Fact]
    public void Sync_write_of_six_goals_is_26_bytes()
    {
        // LEN = (2+1)*6 + 4 = 22 = 0x16; total = 4 header bytes + 22 = 26
        var blocks = Enumerable.Range(1, 6).Select(id => ((byte)id, FeetechBus.ToBytes(2047, 2, 0))).ToList();
        var packet = FeetechPacket.SyncWrite(42, 2, blocks);
        Assert.Equal(26, packet.Length);
        Assert.Equal(0x16, packet[3]);
    }

    [Fact]
    public void Status_packet_with_position_and_with_overload_bit()
    {
        // Reply of id 1 with 2048 (00 08): LEN = 2 + 2 = 4; sum = 0x01 + 0x04 + 0x00 + 0x00 + 0x08 = 0x0D; ~0x0D = 0xF2
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x04, 0x00, 0x00, 0x08, 0xF2 }, FeetechPacket.Status(1, FeetechError.None, [0x00, 0x08]));
        // Overload = bit 5 = 0x20: sum = 0x01 + 0x02 + 0x20 = 0x23; ~0x23 = 0xDC
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x02, 0x20, 0xDC }, FeetechPacket.Status(1, FeetechError.Overload, []));
        // 0x24 = overheat (4) + overload (32)
        Assert.Equal("overheat error, overload error", FeetechTables.DescribeErrors(0x24));
    }

    [Fact]
    public void Parser_skips_noise_and_counts_a_bad_checksum()
    {
        byte[] good = [0xFF, 0xFF, 0x01, 0x04, 0x00, 0x00, 0x08, 0xF2];
        byte[] bad = [0xFF, 0xFF, 0x02, 0x04, 0x00, 0x00, 0x08, 0x00];
        byte[] stream = [0x13, 0x37, .. bad, .. good];
        var corrupt = 0;
        Assert.True(FeetechPacket.TryParse(stream, out var packet, out var consumed, ref corrupt));
        Assert.Equal(1, corrupt);
        Assert.Equal(stream.Length, consumed);
        Assert.Equal(1, packet.Id);
        Assert.Equal(new byte[] { 0x00, 0x08 }, packet.Parameters);
    }

    [Fact]
    public void Sign_magnitude_bit15_for_positions_and_bit11_for_homing()
    {
        // -100 with bit 15: 0x8000 | 100 = 0x8064 -> little-endian 64 80
        var goal = FeetechTables.Sts["Goal_Position"];
        Assert.Equal(0x8064, goal.Encode(-100));
        Assert.Equal(new byte[] { 0x64, 0x80 }, FeetechBus.ToBytes(goal.Encode(-100), 2, 0));
        Assert.Equal(-100, goal.Decode(0x8064));
        // Homing offset -1470 with bit 11: 1470 = 0x5BE; 0x800 | 0x5BE = 0xDBE
        var homing = FeetechTables.Sts["Homing_Offset"];
        Assert.Equal(0xDBE, homing.Encode(-1470));
        Assert.Equal(-1470, homing.Decode(0xDBE));
        Assert.Equal(1296, homing.Decode(homing.Encode(1296)));
    }

    [Fact]
    public void Homing_offset_beyond_11_bits_is_a_clear_error()
    {
        var homing = FeetechTables.Sts["Homing_Offset"];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => homing.Encode(2114));
        Assert.Contains("magnitude 2114 exceeds 2047", e.Message);
        Assert.Contains("re-run calibration", e.Message);
    }

    [Fact]
    public void Protocol_1_is_big_endian()
    {
        // SCS (protocol 1): 2048 = 0x0800 -> 08 00; protocol 0 (STS) -> 00 08
        Assert.Equal(new byte[] { 0x08, 0x00 }, FeetechBus.ToBytes(2048, 2, protocolVersion: 1));
        Assert.Equal(new byte[] { 0x00, 0x08 }, FeetechBus.ToBytes(2048, 2, protocolVersion: 0));
        Assert.Equal(0x0800, FeetechBus.FromBytes([0x08, 0x00], 1));
        Assert.Equal(0x0800, FeetechBus.FromBytes([0x00, 0x08], 0));
    }
}
