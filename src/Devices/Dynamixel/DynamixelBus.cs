using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Dynamixel;

/// <summary>DYNAMIXEL X-series servos on one bus, Protocol 2.0 (Koch arms).</summary>
public sealed class DynamixelBus(ISerialTransport transport, IReadOnlyList<NamedMotor> motors, IReadOnlyDictionary<string, MotorCalibration>? calibration = null)
    : MotorsBus(transport, motors, calibration)
{
    private readonly byte[] _header = new byte[7];
    private readonly byte[] _body = new byte[1024];

    public override string Protocol => "dynamixel (protocol 2.0)";
    public override IReadOnlyList<int> ScanBaudRates => DynamixelTables.ScanBaudRates;
    public override int DefaultBaudRate => DynamixelTables.DefaultBaudRate;
    // Drive_Mode is a register the servo applies itself.
    protected override bool ApplyDriveMode => false;
    public override ControlTable TableFor(string model) => DynamixelTables.X;
    public override int ResolutionOf(string model) => DynamixelTables.Resolution;
    public override int MaxHomingOffsetOf(string model) => DynamixelTables.MaxHomingOffset;
    public override int ModelNumberOf(string model) => DynamixelTables.ModelNumbers.TryGetValue(model, out var n)
        ? n : throw new ArgumentException($"Unknown DYNAMIXEL model '{model}'. Known: {string.Join(", ", DynamixelTables.ModelNumbers.Keys)}.");
    public override string ModelNameOf(int modelNumber) => DynamixelTables.ModelName(modelNumber);

    public override int? Ping(int id, int numRetry = 0)
    {
        CheckId(id);
        try
        {
            return Exchange($"Ping of id {id}", numRetry, () =>
            {
                Transport.Write(DynamixelPacket.Ping((byte)id));
                var data = ReceiveStatus(id, 3);
                return data[0] | data[1] << 8;
            });
        }
        catch (MotorBusCommunicationException)
        {
            return null;
        }
    }

    public override SortedDictionary<int, int> BroadcastPing(int numRetry = 0)
    {
        var result = new SortedDictionary<int, int>();
        for (var attempt = 0; attempt <= numRetry && result.Count == 0; attempt++)
        {
            Statistics.Transaction();
            Transport.DiscardInput();
            Transport.Write(DynamixelPacket.Ping(DynamixelPacket.BroadcastId));
            var deadline = DateTime.UtcNow + PacketTimeout + WireTime(14);
            while (true)
            {
                try
                {
                    var (id, _, data) = ReceiveAny(deadline);
                    if (data.Length >= 2) result[id] = data[0] | data[1] << 8;
                    deadline = DateTime.UtcNow + PacketTimeout;
                }
                catch (TimeoutException) { break; }
                catch (CorruptPacketException) { Statistics.Corrupt(); Transport.DiscardInput(); }
            }
        }
        return result;
    }

    public override int ReadRaw(int id, int address, int size, int numRetry = 0)
    {
        CheckId(id);
        return Exchange($"Read of {size} byte(s) at address {address} from id {id}", numRetry, () =>
        {
            Transport.Write(DynamixelPacket.Read((byte)id, (ushort)address, (ushort)size));
            return DynamixelPacket.FromBytes(ReceiveStatus(id, size));
        });
    }

    public override void WriteRaw(int id, int address, int size, int value, int numRetry = 0)
    {
        CheckId(id);
        var packet = DynamixelPacket.Write((byte)id, (ushort)address, DynamixelPacket.ToBytes(value, size));
        Exchange($"Write at address {address} to id {id}", numRetry, () =>
        {
            Transport.Write(packet);
            ReceiveStatus(id, 0);
            return 0;
        });
    }

    public override int[] SyncReadRaw(int address, int size, IReadOnlyList<int> ids, int numRetry = 0)
    {
        foreach (var id in ids) CheckId(id);
        var packet = DynamixelPacket.SyncRead((ushort)address, (ushort)size, ids.Select(i => (byte)i).ToArray());
        return Exchange($"Sync read of address {address} from ids [{string.Join(", ", ids)}]", numRetry, () =>
        {
            Transport.Write(packet);
            var values = new int[ids.Count];
            var received = new bool[ids.Count];
            var deadline = DateTime.UtcNow + PacketTimeout + WireTime(packet.Length + ids.Count * (11 + size));
            for (var pending = ids.Count; pending > 0; pending--)
            {
                int id; byte error; byte[] data;
                try { (id, error, data) = ReceiveAny(deadline); }
                catch (TimeoutException)
                {
                    throw new TimeoutException($"No reply from id(s) {string.Join(", ", ids.Where((_, i) => !received[i]))}.");
                }
                var index = -1;
                for (var i = 0; i < ids.Count; i++) if (ids[i] == id) index = i;
                if (index < 0 || received[index]) throw new CorruptPacketException($"Unexpected reply from id {id}.");
                CheckError(id, error);
                if (data.Length != size) throw new CorruptPacketException($"Id {id} returned {data.Length} byte(s), expected {size}.");
                values[index] = DynamixelPacket.FromBytes(data);
                received[index] = true;
            }
            return values;
        });
    }

    public override void SyncWriteRaw(int address, int size, IReadOnlyList<(int Id, int Value)> values)
    {
        var blocks = values.Select(v => { CheckId(v.Id); return ((byte)v.Id, DynamixelPacket.ToBytes(v.Value, size)); }).ToList();
        Statistics.Transaction();
        Transport.Write(DynamixelPacket.SyncWrite((ushort)address, (ushort)size, blocks));
    }

    public override void EnableTorque(IEnumerable<string>? motors = null, int numRetry = 0)
    {
        foreach (var m in Select(motors)) WriteRaw(m.Id, DynamixelTables.X["Torque_Enable"].Address, 1, 1, numRetry);
    }

    public override void DisableTorque(IEnumerable<string>? motors = null, int numRetry = 0)
    {
        foreach (var m in Select(motors)) WriteRaw(m.Id, DynamixelTables.X["Torque_Enable"].Address, 1, 0, numRetry);
    }

    public override Dictionary<string, MotorCalibration> ReadCalibration()
    {
        var t = DynamixelTables.X;
        var result = new Dictionary<string, MotorCalibration>();
        foreach (var m in Motors)
        {
            var offset = t["Homing_Offset"].Decode(ReadRaw(m.Id, t["Homing_Offset"].Address, 4, 2));
            var min = ReadRaw(m.Id, t["Min_Position_Limit"].Address, 4, 2);
            var max = ReadRaw(m.Id, t["Max_Position_Limit"].Address, 4, 2);
            var drive = ReadRaw(m.Id, t["Drive_Mode"].Address, 1, 2) & 1;
            result[m.Name] = new MotorCalibration(m.Id, drive, offset, min, max);
        }
        return result;
    }

    protected override void WriteCalibrationRegisters(IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        var t = DynamixelTables.X;
        foreach (var m in Motors)
        {
            var cal = calibration[m.Name];
            WriteRaw(m.Id, t["Homing_Offset"].Address, 4, t["Homing_Offset"].Encode(cal.HomingOffset), 2);
            WriteRaw(m.Id, t["Min_Position_Limit"].Address, 4, cal.RangeMin, 2);
            WriteRaw(m.Id, t["Max_Position_Limit"].Address, 4, cal.RangeMax, 2);
            var drive = ReadRaw(m.Id, t["Drive_Mode"].Address, 1, 2);
            WriteRaw(m.Id, t["Drive_Mode"].Address, 1, (drive & ~1) | (cal.DriveMode & 1), 2);
        }
    }

    public override void ResetCalibration()
    {
        var t = DynamixelTables.X;
        foreach (var m in Motors)
        {
            WriteRaw(m.Id, t["Homing_Offset"].Address, 4, 0, 2);
            WriteRaw(m.Id, t["Min_Position_Limit"].Address, 4, 0, 2);
            WriteRaw(m.Id, t["Max_Position_Limit"].Address, 4, 4095, 2);
        }
    }

    // DYNAMIXEL: Present = Actual + Homing_Offset, so the half-turn offset is 2047 - pos.
    protected override int HalfTurnHomingOffset(int actualPosition, int resolution) => (resolution - 1) / 2 - actualPosition;

    private byte[] ReceiveStatus(int id, int size)
    {
        var deadline = DateTime.UtcNow + PacketTimeout + WireTime(11 + size);
        var (from, error, data) = ReceiveAny(deadline);
        if (from != id) throw new CorruptPacketException($"Expected a reply from id {id}, got id {from}.");
        CheckError(id, error);
        if (data.Length != size) throw new CorruptPacketException($"Id {id} returned {data.Length} data byte(s), expected {size}.");
        return data;
    }

    private (int Id, byte Error, byte[] Data) ReceiveAny(DateTime deadline)
    {
        Transport.ReadExactly(_header, deadline);
        var skipped = 0;
        while (!(_header[0] == 0xFF && _header[1] == 0xFF && _header[2] == 0xFD && _header[3] == 0x00))
        {
            if (++skipped > 128) throw new CorruptPacketException("No packet header (FF FF FD 00) in the reply.");
            Array.Copy(_header, 1, _header, 0, 6);
            Transport.ReadExactly(_header.AsSpan(6, 1), deadline);
        }
        var length = _header[5] | _header[6] << 8;
        if (length < 4 || length > _body.Length)
            throw new CorruptPacketException($"Status packet length {length} is impossible.");
        Transport.ReadExactly(_body.AsSpan(0, length), deadline);
        var crc = DynamixelCrc.Compute([.. _header, .. _body.AsSpan(0, length - 2)]);
        var got = _body[length - 2] | _body[length - 1] << 8;
        if (crc != got)
            throw new CorruptPacketException($"Status CRC 0x{got:X4} does not match 0x{crc:X4} (id {_header[4]}).");
        var payload = DynamixelPacket.Unstuff(_body.AsSpan(0, length - 2));
        if (payload[0] != DynamixelInstruction.Status)
            throw new CorruptPacketException($"Expected a status packet (0x55), got instruction 0x{payload[0]:X2}.");
        return (_header[4], payload[1], payload[2..]);
    }

    private void CheckError(int id, byte error)
    {
        if (error == 0) return;
        var name = Motors.FirstOrDefault(m => m.Id == id)?.Name ?? $"id {id}";
        throw new MotorErrorException(name, id, DynamixelPacket.DescribeError(error));
    }

    private static void CheckId(int id)
    {
        if (id is < 0 or > DynamixelPacket.MaxId)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"DYNAMIXEL ids are 0..{DynamixelPacket.MaxId}.");
    }
}
