using RobotActors.Devices.Feetech;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Emulator;

/// <summary>
/// A bus of emulated STS3215 servos served on a pseudo-terminal: clients open <see cref="PortPath"/>
/// with the ordinary serial transport, exactly as they would open a USB adapter. Faults can be
/// switched on while it runs: unplug (the port disappears), mute a servo, corrupt or slow replies.
/// </summary>
public sealed class ServoBusEmulator : IDisposable
{
    private readonly object _ptyGate = new();
    private readonly string? _linkPath;
    private readonly Random _random = new(12345);
    private readonly Thread _thread;
    private readonly byte[] _rx = new byte[8192];
    private int _rxCount;
    private PseudoTerminal? _pty;
    private volatile bool _running = true;
    private long _packetsReceived, _repliesSent, _repliesCorrupted, _corruptReceived, _ignoredWrongBaud;
    private readonly DateTime _started = DateTime.UtcNow;
    private bool _scheduledUnplugDone, _scheduledReplugDone;

    public ServoBusEmulator(IEnumerable<EmulatedServo> servos, EmulatorFaults? faults = null, string? linkPath = null)
    {
        Servos = servos.ToList();
        Faults = faults ?? new EmulatorFaults();
        _linkPath = linkPath;
        foreach (var (id, error) in Faults.Errors)
            Servos.FirstOrDefault(s => s.Id == id)?.InjectErrors((byte)error);
        MutedIds = new HashSet<int>(Faults.MutedIds);
        CorruptProbability = Faults.CorruptProbability;
        SlowReply = Faults.SlowReply;
        _pty = OpenPort();
        _thread = new Thread(Serve) { IsBackground = true, Name = "servo-bus-emulator" };
        _thread.Start();
    }

    /// <summary>An emulated arm: servos 1..count at mid-range.</summary>
    public static ServoBusEmulator ForArm(int count = 6, EmulatorFaults? faults = null, string? linkPath = null) =>
        new(Enumerable.Range(1, count).Select(id => new EmulatedServo(id)), faults, linkPath);

    public List<EmulatedServo> Servos { get; }
    public EmulatorFaults Faults { get; }

    /// <summary>The path clients open: the stable symlink when one was asked for, else /dev/pts/N.</summary>
    public string PortPath => _linkPath ?? SlavePath;
    public string SlavePath { get { lock (_ptyGate) return _pty?.SlavePath ?? "(unplugged)"; } }
    public bool IsPlugged { get { lock (_ptyGate) return _pty is not null; } }

    public HashSet<int> MutedIds { get; }
    public double CorruptProbability { get; set; }
    /// <summary>Corrupts exactly the next N replies (deterministic fault for tests).</summary>
    public int CorruptNextReplies { get; set; }
    public TimeSpan SlowReply { get; set; }

    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);
    public long RepliesSent => Interlocked.Read(ref _repliesSent);
    public long RepliesCorrupted => Interlocked.Read(ref _repliesCorrupted);
    public long CorruptPacketsReceived => Interlocked.Read(ref _corruptReceived);
    public long IgnoredAtWrongBaudRate => Interlocked.Read(ref _ignoredWrongBaud);

    public EmulatedServo Servo(int id) => Servos.FirstOrDefault(s => s.Id == id)
        ?? throw new KeyNotFoundException($"The emulator has no servo with id {id}.");

    /// <summary>Pulls the cable: the pseudo-terminal closes and clients see I/O errors.</summary>
    public void Unplug()
    {
        lock (_ptyGate)
        {
            _pty?.Dispose();
            _pty = null;
            _rxCount = 0;
        }
    }

    /// <summary>Plugs the cable back: a new pseudo-terminal; the symlink (if any) points at it again.</summary>
    public void Replug()
    {
        lock (_ptyGate)
        {
            _pty ??= OpenPort();
        }
    }

    private PseudoTerminal OpenPort()
    {
        var pty = PseudoTerminal.Open();
        if (_linkPath is not null)
        {
            var temp = _linkPath + ".new";
            File.Delete(temp);
            File.CreateSymbolicLink(temp, pty.SlavePath);
            File.Move(temp, _linkPath, overwrite: true);
        }
        return pty;
    }

    private void Serve()
    {
        var chunk = new byte[4096];
        while (_running)
        {
            var elapsed = DateTime.UtcNow - _started;
            if (Faults.UnplugAfter is { } after && elapsed > after && !_scheduledUnplugDone)
            {
                _scheduledUnplugDone = true;
                Unplug();
            }
            if (Faults.ReplugAfter is { } replug && elapsed > replug && !_scheduledReplugDone)
            {
                _scheduledReplugDone = true;
                Replug();
            }
            lock (_ptyGate)
            {
                if (_pty is null)
                {
                    Monitor.Wait(_ptyGate, 20);
                    continue;
                }
                int n;
                try
                {
                    n = _pty.ReadMaster(chunk, 20);
                }
                catch (IOException)
                {
                    continue;
                }
                if (n == 0) continue;
                if (_rxCount + n > _rx.Length) _rxCount = 0; // a flood of noise: start over
                chunk.AsSpan(0, n).CopyTo(_rx.AsSpan(_rxCount));
                _rxCount += n;
                var corrupt = 0;
                while (true)
                {
                    var found = FeetechPacket.TryParse(_rx.AsSpan(0, _rxCount), out var packet, out var consumed, ref corrupt);
                    if (consumed > 0)
                    {
                        _rx.AsSpan(consumed, _rxCount - consumed).CopyTo(_rx);
                        _rxCount -= consumed;
                    }
                    if (!found) break;
                    Interlocked.Increment(ref _packetsReceived);
                    Handle(_pty, packet);
                }
                Interlocked.Add(ref _corruptReceived, corrupt);
            }
        }
    }

    private bool Hears(EmulatedServo servo, int? clientBaud)
    {
        if (MutedIds.Contains(servo.Id)) return false;
        // A servo at another baud rate sees only noise. When the client's rate cannot be read,
        // only a servo at a rate without a standard termios code is taken to match.
        var match = clientBaud is { } rate ? rate == servo.BaudRate : Libc.SpeedCode(servo.BaudRate) == 0;
        if (!match) Interlocked.Increment(ref _ignoredWrongBaud);
        return match;
    }

    private void Handle(PseudoTerminal pty, ParsedPacket packet)
    {
        var p = packet.Parameters;
        var clientBaud = pty.ClientBaudRate(); // once per packet: the rate cannot change mid-packet
        var broadcast = packet.Id == FeetechPacket.BroadcastId;
        var replies = new List<(EmulatedServo Servo, byte[] Packet)>();
        switch (packet.InstructionOrError)
        {
            case FeetechInstruction.Ping:
                foreach (var s in Targets(packet.Id, clientBaud))
                    replies.Add((s, Status(s, [])));
                break;
            case FeetechInstruction.Read when p.Length == 2:
                foreach (var s in Targets(packet.Id, clientBaud).Where(_ => !broadcast))
                    replies.Add((s, Status(s, s.ReadBytes(p[0], p[1]))));
                break;
            case FeetechInstruction.Write when p.Length >= 2:
                foreach (var s in Targets(packet.Id, clientBaud))
                {
                    var status = Status(s, []); // the reply comes from the id the packet addressed
                    s.WriteBytes(p[0], p.AsSpan(1));
                    if (!broadcast && s.Get("Response_Status_Level") >= 1) replies.Add((s, status));
                }
                break;
            case FeetechInstruction.RegWrite when p.Length >= 2:
                foreach (var s in Targets(packet.Id, clientBaud))
                {
                    s.RegisterWrite(p[0], p.AsSpan(1));
                    if (!broadcast && s.Get("Response_Status_Level") >= 1) replies.Add((s, Status(s, [])));
                }
                break;
            case FeetechInstruction.Action:
                foreach (var s in Targets(packet.Id, clientBaud))
                    s.ApplyRegisteredWrite();
                break;
            case FeetechInstruction.SyncRead when broadcast && p.Length >= 2:
                for (var i = 2; i < p.Length; i++)
                {
                    var s = Servos.FirstOrDefault(x => x.Id == p[i]);
                    if (s is not null && Hears(s, clientBaud))
                        replies.Add((s, Status(s, s.ReadBytes(p[0], p[1]))));
                }
                break;
            case FeetechInstruction.SyncWrite when broadcast && p.Length >= 2:
                int address = p[0], length = p[1];
                for (var at = 2; at + 1 + length <= p.Length; at += length + 1)
                {
                    var s = Servos.FirstOrDefault(x => x.Id == p[at]);
                    if (s is not null && Hears(s, clientBaud))
                        s.WriteBytes(address, p.AsSpan(at + 1, length));
                }
                break;
        }
        if (replies.Count > 0) Send(pty, replies);
    }

    private IEnumerable<EmulatedServo> Targets(byte id, int? clientBaud) =>
        Servos.Where(s => (id == FeetechPacket.BroadcastId || s.Id == id) && Hears(s, clientBaud)).ToList();

    private static byte[] Status(EmulatedServo s, byte[] data) => FeetechPacket.Status((byte)s.Id, (FeetechError)s.ErrorByte, data);

    private void Send(PseudoTerminal pty, List<(EmulatedServo Servo, byte[] Packet)> replies)
    {
        if (SlowReply > TimeSpan.Zero) Thread.Sleep(SlowReply);
        var all = new List<byte>();
        foreach (var (servo, packet) in replies)
        {
            if (CorruptNextReplies > 0 || (CorruptProbability > 0 && _random.NextDouble() < CorruptProbability))
            {
                if (CorruptNextReplies > 0) CorruptNextReplies--;
                packet[^1] ^= 0x5A; // a flipped checksum: the client must notice and retry
                Interlocked.Increment(ref _repliesCorrupted);
            }
            if (servo.ReturnDelayMicroseconds > 0)
            {
                if (all.Count > 0) { pty.WriteMaster(all.ToArray()); all.Clear(); }
                Delay(servo.ReturnDelayMicroseconds);
            }
            all.AddRange(packet);
            Interlocked.Increment(ref _repliesSent);
        }
        if (all.Count > 0) pty.WriteMaster(all.ToArray());
    }

    private static void Delay(int microseconds)
    {
        if (microseconds >= 2000) { Thread.Sleep(microseconds / 1000); return; }
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + microseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }

    public void Dispose()
    {
        _running = false;
        _thread.Join(TimeSpan.FromSeconds(2));
        Unplug();
        if (_linkPath is not null)
        {
            try { File.Delete(_linkPath); } catch (IOException) { }
        }
    }
}
