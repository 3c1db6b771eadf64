using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Feetech;

/// <summary>
/// Feetech SCS/STS servos on one serial bus. Protocol 0 (STS/SMS) is little-endian and has
/// SYNC_READ and broadcast ping; protocol 1 (SCS) is big-endian and has neither.
/// </summary>
public sealed class FeetechBus : MotorsBus
{
    private readonly byte[] _header = new byte[FeetechPacket.HeaderLength];
    private readonly byte[] _body = new byte[256];

    public FeetechBus(ISerialTransport transport, IReadOnlyList<NamedMotor> motors,
        IReadOnlyDictionary<string, MotorCalibration>? calibration = null, int protocolVersion = 0)
        : base(transport, motors, calibration)
    {
        if (protocolVersion is not (0 or 1))
            throw new ArgumentException($"Feetech protocol version must be 0 (STS/SMS) or 1 (SCS), got {protocolVersion}.");
        ProtocolVersion = protocolVersion;
    }

    public int ProtocolVersion { get; }
    public override string Protocol => $"feetech (protocol {ProtocolVersion})";
    public override IReadOnlyList<int> ScanBaudRates => FeetechTables.ScanBaudRates;
    public override int DefaultBaudRate => FeetechTables.DefaultBaudRate;
    protected override bool ApplyDriveMode => true;
    public override ControlTable TableFor(string model) => FeetechTables.Table(model);
    public override int ResolutionOf(string model) => FeetechTables.Resolution(model);
    public override int MaxHomingOffsetOf(string model) => FeetechTables.MaxHomingOffset;
    public override int ModelNumberOf(string model) => FeetechTables.ModelNumbers.TryGetValue(model, out var n)
        ? n : throw new ArgumentException($"Unknown Feetech model '{model}'. Known: {string.Join(", ", FeetechTables.ModelNumbers.Keys)}.");
    public override string ModelNameOf(int modelNumber) => FeetechTables.ModelName(modelNumber);

    /// <summary>Splits a register value into bytes in the protocol's byte order.</summary>
    public static byte[] ToBytes(int value, int size, int protocolVersion)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
            bytes[protocolVersion == 0 ? i : size - 1 - i] = (byte)(value >> (8 * i));
        return bytes;
    }

    public static int FromBytes(ReadOnlySpan<byte> bytes, int protocolVersion)
    {
        var value = 0;
        for (var i = 0; i < bytes.Length; i++)
            value |= bytes[protocolVersion == 0 ? i : bytes.Length - 1 - i] << (8 * i);
        return value;
    }

    public override int? Ping(int id, int numRetry = 0)
    {
        CheckId(id);
        try
        {
            Exchange($"Ping of {Describe(id)}", numRetry, () =>
            {
                Send(FeetechPacket.Ping((byte)id));
                return ReceiveStatus(id, 0);
            });
        }
        catch (MotorBusCommunicationException)
        {
            return null;
        }
        return ReadRaw(id, FeetechTables.Sts["Model_Number"].Address, 2, numRetry);
    }

    public override SortedDictionary<int, int> BroadcastPing(int numRetry = 0)
    {
        RequireProtocol0("Broadcast ping");
        var found = new SortedSet<int>();
        for (var attempt = 0; attempt <= numRetry && found.Count == 0; attempt++)
        {
            Statistics.Transaction();
            Transport.DiscardInput();
            Send(FeetechPacket.Ping(FeetechPacket.BroadcastId));
            // Every servo answers after its own return delay; keep listening until the line stays quiet.
            var deadline = DateTime.UtcNow + PacketTimeout + WireTime(12);
            while (true)
            {
                try
                {
                    var (id, _, _) = ReceiveAny(deadline);
                    found.Add(id);
                    deadline = DateTime.UtcNow + PacketTimeout;
                }
                catch (TimeoutException) { break; }
                catch (CorruptPacketException) { Statistics.Corrupt(); Transport.DiscardInput(); }
            }
        }
        var result = new SortedDictionary<int, int>();
        foreach (var id in found)
            result[id] = ReadRaw(id, FeetechTables.Sts["Model_Number"].Address, 2, Math.Max(numRetry, 2));
        return result;
    }

    public override int ReadRaw(int id, int address, int size, int numRetry = 0)
    {
        CheckId(id);
        return Exchange($"Read of {size} byte(s) at address {address} from {Describe(id)}", numRetry, () =>
        {
            Send(FeetechPacket.Read((byte)id, (byte)address, (byte)size));
            var data = ReceiveStatus(id, size);
            return FromBytes(data, ProtocolVersion);
        });
    }

    public override void WriteRaw(int id, int address, int size, int value, int numRetry = 0)
    {
        CheckId(id);
        var packet = FeetechPacket.Write((byte)id, (byte)address, ToBytes(value, size, ProtocolVersion));
        Exchange($"Write of {size} byte(s) at address {address} to {Describe(id)}", numRetry, () =>
        {
            Send(packet);
            ReceiveStatus(id, 0);
            return 0;
        });
    }

    /// <summary>REG_WRITE: the servo stores the value and applies it at the next ACTION.</summary>
    public void RegWriteRaw(int id, int address, int size, int value, int numRetry = 0)
    {
        CheckId(id);
        var packet = FeetechPacket.RegWrite((byte)id, (byte)address, ToBytes(value, size, ProtocolVersion));
        Exchange($"Registered write at address {address} to id {id}", numRetry, () =>
        {
            Send(packet);
            ReceiveStatus(id, 0);
            return 0;
        });
    }

    /// <summary>ACTION to every servo: applies the registered writes at once. Broadcast, so no reply.</summary>
    public void Action() => Send(FeetechPacket.Action());

    public override int[] SyncReadRaw(int address, int size, IReadOnlyList<int> ids, int numRetry = 0)
    {
        RequireProtocol0("Sync read");
        foreach (var id in ids) CheckId(id);
        var packet = FeetechPacket.SyncRead((byte)address, (byte)size, ids.Select(i => (byte)i).ToArray());
        return Exchange($"Sync read of address {address} from ids [{string.Join(", ", ids)}]", numRetry, () =>
        {
            Send(packet);
            var values = new int[ids.Count];
            var received = new bool[ids.Count];
            var pending = ids.Count;
            // Each servo answers with its own status packet; a silent servo shows up as the one missing at the deadline.
            var deadline = DateTime.UtcNow + PacketTimeout + WireTime(packet.Length + ids.Count * (6 + size));
            while (pending > 0)
            {
                int id; byte error; byte[] data;
                try
                {
                    (id, error, data) = ReceiveAny(deadline);
                }
                catch (TimeoutException)
                {
                    var missing = ids.Where((_, i) => !received[i]).Select(Describe);
                    throw new TimeoutException($"No reply from {string.Join(", ", missing)}.");
                }
                var index = IndexOf(ids, id);
                if (index < 0 || received[index])
                    throw new CorruptPacketException($"Sync read got an unexpected reply from id {id}.");
                CheckError(id, error);
                if (data.Length != size)
                    throw new CorruptPacketException($"Id {id} returned {data.Length} byte(s), expected {size}.");
                values[index] = FromBytes(data, ProtocolVersion);
                received[index] = true;
                pending--;
            }
            return values;
        });
    }

    public override void SyncWriteRaw(int address, int size, IReadOnlyList<(int Id, int Value)> values)
    {
        var blocks = new (byte, byte[])[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            CheckId(values[i].Id);
            blocks[i] = ((byte)values[i].Id, ToBytes(values[i].Value, size, ProtocolVersion));
        }
        Statistics.Transaction();
        Send(FeetechPacket.SyncWrite((byte)address, (byte)size, blocks));
    }

    public override void EnableTorque(IEnumerable<string>? motors = null, int numRetry = 0)
    {
        foreach (var m in Select(motors))
        {
            var table = TableFor(m.Motor.Model);
            WriteRaw(m.Id, table["Torque_Enable"].Address, 1, 1, numRetry);
            WriteRaw(m.Id, table["Lock"].Address, 1, 1, numRetry);
        }
    }

    public override void DisableTorque(IEnumerable<string>? motors = null, int numRetry = 0)
    {
        foreach (var m in Select(motors))
        {
            var table = TableFor(m.Motor.Model);
            WriteRaw(m.Id, table["Torque_Enable"].Address, 1, 0, numRetry);
            WriteRaw(m.Id, table["Lock"].Address, 1, 0, numRetry);
        }
    }

    /// <summary>
    /// LeRobot's configure_motors: the fastest return delay (2 µs instead of the factory 500 µs),
    /// maximum acceleration, and angle feedback kept within one turn on the STS3215.
    /// </summary>
    public void ConfigureMotors(int returnDelayTime = 0, int maximumAcceleration = 254, int acceleration = 254)
    {
        foreach (var m in Motors)
        {
            var table = TableFor(m.Motor.Model);
            WriteRaw(m.Id, table["Return_Delay_Time"].Address, 1, returnDelayTime, 2);
            if (ProtocolVersion == 0)
                WriteRaw(m.Id, table["Maximum_Acceleration"].Address, 1, maximumAcceleration, 2);
            WriteRaw(m.Id, table["Acceleration"].Address, 1, acceleration, 2);
            if (m.Motor.Model == "sts3215")
            {
                var phase = ReadRaw(m.Id, table["Phase"].Address, 1, 2);
                if ((phase & 0x10) != 0)
                    WriteRaw(m.Id, table["Phase"].Address, 1, phase & ~0x10, 2);
            }
        }
    }

    public override Dictionary<string, MotorCalibration> ReadCalibration()
    {
        var result = new Dictionary<string, MotorCalibration>();
        foreach (var m in Motors)
        {
            var table = TableFor(m.Motor.Model);
            var min = ReadRaw(m.Id, table["Min_Position_Limit"].Address, 2, 2);
            var max = ReadRaw(m.Id, table["Max_Position_Limit"].Address, 2, 2);
            var offset = ProtocolVersion == 0 ? table["Homing_Offset"].Decode(ReadRaw(m.Id, table["Homing_Offset"].Address, 2, 2)) : 0;
            result[m.Name] = new MotorCalibration(m.Id, 0, offset, min, max);
        }
        return result;
    }

    protected override void WriteCalibrationRegisters(IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        foreach (var m in Motors)
        {
            var cal = calibration[m.Name];
            var table = TableFor(m.Motor.Model);
            if (ProtocolVersion == 0)
                WriteRaw(m.Id, table["Homing_Offset"].Address, 2, table["Homing_Offset"].Encode(cal.HomingOffset), 2);
            WriteRaw(m.Id, table["Min_Position_Limit"].Address, 2, cal.RangeMin, 2);
            WriteRaw(m.Id, table["Max_Position_Limit"].Address, 2, cal.RangeMax, 2);
        }
    }

    public override void ResetCalibration()
    {
        foreach (var m in Motors)
        {
            var table = TableFor(m.Motor.Model);
            if (ProtocolVersion == 0)
                WriteRaw(m.Id, table["Homing_Offset"].Address, 2, 0, 2);
            WriteRaw(m.Id, table["Min_Position_Limit"].Address, 2, 0, 2);
            WriteRaw(m.Id, table["Max_Position_Limit"].Address, 2, ResolutionOf(m.Motor.Model) - 1, 2);
        }
    }

    // Feetech: Present = Actual - Homing_Offset, so the offset that reads half a turn is pos - 2047.
    protected override int HalfTurnHomingOffset(int actualPosition, int resolution) => actualPosition - (resolution - 1) / 2;

    private void Send(byte[] packet) => Transport.Write(packet);

    /// <summary>Receives the status packet of <paramref name="id"/> and returns exactly <paramref name="size"/> data bytes.</summary>
    private byte[] ReceiveStatus(int id, int size)
    {
        var deadline = DateTime.UtcNow + PacketTimeout + WireTime(6 + size);
        var (from, error, data) = ReceiveAny(deadline);
        if (from != id)
            throw new CorruptPacketException($"Expected a reply from id {id}, got id {from}.");
        CheckError(id, error);
        if (data.Length != size)
            throw new CorruptPacketException($"Id {id} returned {data.Length} data byte(s), expected {size}.");
        return data;
    }

    private (int Id, byte Error, byte[] Data) ReceiveAny(DateTime deadline)
    {
        Transport.ReadExactly(_header, deadline);
        // Resynchronize on FF FF <id != FF> when noise precedes the header.
        var skipped = 0;
        while (!(_header[0] == 0xFF && _header[1] == 0xFF && _header[2] != 0xFF))
        {
            if (++skipped > 64)
                throw new CorruptPacketException("No packet header (FF FF) in the reply.");
            Array.Copy(_header, 1, _header, 0, 3);
            Transport.ReadExactly(_header.AsSpan(3, 1), deadline);
        }
        int len = _header[3];
        if (len < 2)
            throw new CorruptPacketException($"Status packet length {len} is impossible (minimum 2).");
        var body = _body.AsSpan(0, len);
        Transport.ReadExactly(body, deadline);
        var sum = _header[2] + _header[3];
        for (var i = 0; i < len - 1; i++) sum += body[i];
        var expected = (byte)(~sum & 0xFF);
        if (expected != body[len - 1])
            throw new CorruptPacketException($"Status checksum 0x{body[len - 1]:X2} does not match 0x{expected:X2} (id {_header[2]}).");
        return (_header[2], body[0], body[1..(len - 1)].ToArray());
    }

    private static int IndexOf(IReadOnlyList<int> ids, int id)
    {
        for (var i = 0; i < ids.Count; i++)
            if (ids[i] == id) return i;
        return -1;
    }

    private string Describe(int id) => Motors.FirstOrDefault(m => m.Id == id) is { } m ? $"'{m.Name}' (id {id})" : $"id {id}";

    private void CheckError(int id, byte error)
    {
        if (error == 0) return;
        var name = Motors.FirstOrDefault(m => m.Id == id)?.Name ?? $"id {id}";
        throw new MotorErrorException(name, id, FeetechTables.DescribeErrors(error));
    }

    private void RequireProtocol0(string what)
    {
        if (ProtocolVersion != 0)
            throw new NotSupportedException($"{what} is not available in Feetech protocol 1 (SCS series); read the motors one by one.");
    }

    private static void CheckId(int id)
    {
        if (id is < 0 or > FeetechPacket.MaxId)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Feetech ids are 0..{FeetechPacket.MaxId}.");
    }
}
