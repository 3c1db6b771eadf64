using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Emulator;

/// <summary>
/// A bus of emulated servos (STS3215 on the Feetech protocol by default, or DYNAMIXEL X on
/// Protocol 2.0) served on a pseudo-terminal: clients open <see cref="PortPath"/>
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
        if (Servos.Select(s => s.Family).Distinct().Count() > 1)
            throw new ArgumentException("All servos of one emulated bus must speak the same protocol.");
        Protocol = Servos.FirstOrDefault()?.Family == ServoFamily.DynamixelX ? new DynamixelEmulatedProtocol() : new FeetechEmulatedProtocol();
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

    /// <summary>An emulated Koch arm: DYNAMIXEL X servos with the given models for ids 1..N, on Protocol 2.0.</summary>
    public static ServoBusEmulator ForDynamixelArm(IReadOnlyList<string> models, EmulatorFaults? faults = null, string? linkPath = null) =>
        new(models.Select((model, i) => new EmulatedServo(i + 1, model: model, family: ServoFamily.DynamixelX)), faults, linkPath);

    public IEmulatedProtocol Protocol { get; }

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

    /// <summary>Switches the servos' power off and on (RAM cleared, EEPROM kept).</summary>
    public void PowerCycle()
    {
        foreach (var servo in Servos) servo.PowerCycle();
    }

    /// <summary>
    /// Pulls the cable: the pseudo-terminal closes and clients see I/O errors. The stable link goes too,
    /// as /dev/ttyACM0 does: left behind, it would name /dev/pts/N, a number the kernel soon gives to
    /// another pseudo-terminal, and a reconnecting client would open someone else's bus.
    /// </summary>
    public void Unplug()
    {
        lock (_ptyGate)
        {
            if (_linkPath is not null)
            {
                try { File.Delete(_linkPath); } catch (IOException) { }
            }
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

    /// <summary>Exceptions the serve loop survived (a malformed request, a write that failed); never fatal.</summary>
    public long ServeErrors => Interlocked.Read(ref _serveErrors);
    private long _serveErrors;

    /// <summary>
    /// The serve loop runs on its own thread; an exception escaping it would end the whole process, so a
    /// request the emulator cannot handle is counted and dropped, as a real servo would ignore it.
    /// </summary>
    private void Serve()
    {
        while (_running)
        {
            try
            {
                ServeOnce();
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _serveErrors);
                lock (_ptyGate) _rxCount = 0;
                if (Interlocked.Read(ref _serveErrors) == 1)
                    Console.Error.WriteLine($"servo-bus emulator: dropped a request it could not handle: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private readonly byte[] _chunk = new byte[4096];

    private void ServeOnce()
    {
        var chunk = _chunk;
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
                return;
            }
            int n;
            try
            {
                n = _pty.ReadMaster(chunk, 20);
            }
            catch (IOException)
            {
                return;
            }
            if (n == 0) return;
            if (_rxCount + n > _rx.Length) _rxCount = 0; // a flood of noise: start over
            chunk.AsSpan(0, n).CopyTo(_rx.AsSpan(_rxCount));
            _rxCount += n;
            var corrupt = 0;
            while (true)
            {
                var found = Protocol.TryParse(_rx.AsSpan(0, _rxCount), out var request, out var consumed, ref corrupt);
                if (consumed > 0)
                {
                    _rx.AsSpan(consumed, _rxCount - consumed).CopyTo(_rx);
                    _rxCount -= consumed;
                }
                if (!found) break;
                Interlocked.Increment(ref _packetsReceived);
                Handle(_pty, request);
            }
            Interlocked.Add(ref _corruptReceived, corrupt);
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

    private void Handle(PseudoTerminal pty, BusRequest request)
    {
        var clientBaud = pty.ClientBaudRate(); // once per packet: the rate cannot change mid-packet
        var broadcast = request.Id == Protocol.BroadcastId;
        var replies = new List<(EmulatedServo Servo, byte[] Packet)>();
        bool AcknowledgesWrites(EmulatedServo s) => !broadcast && s.Get(s.Family.StatusLevel) >= s.Family.WriteReplyLevel;
        switch (request.Instruction)
        {
            case BusInstruction.Ping:
                foreach (var s in Targets(request.Id, clientBaud))
                    replies.Add((s, Protocol.Status(s, Protocol.PingData(s))));
                break;
            case BusInstruction.Read when !broadcast:
                foreach (var s in Targets(request.Id, clientBaud))
                    replies.Add((s, Protocol.Status(s, s.ReadBytes(request.Address, request.Length))));
                break;
            case BusInstruction.Write:
                foreach (var s in Targets(request.Id, clientBaud))
                {
                    var status = Protocol.Status(s, []); // the reply comes from the id the packet addressed
                    var acknowledge = AcknowledgesWrites(s);
                    s.WriteBytes(request.Address, request.Data);
                    if (acknowledge) replies.Add((s, status));
                }
                break;
            case BusInstruction.RegWrite:
                foreach (var s in Targets(request.Id, clientBaud))
                {
                    s.RegisterWrite(request.Address, request.Data);
                    if (AcknowledgesWrites(s)) replies.Add((s, Protocol.Status(s, [])));
                }
                break;
            case BusInstruction.Action:
                foreach (var s in Targets(request.Id, clientBaud))
                    s.ApplyRegisteredWrite();
                break;
            case BusInstruction.SyncRead when broadcast:
                foreach (var id in request.SyncIds!)
                {
                    var s = Servos.FirstOrDefault(x => x.Id == id);
                    if (s is not null && Hears(s, clientBaud))
                        replies.Add((s, Protocol.Status(s, s.ReadBytes(request.Address, request.Length))));
                }
                break;
            case BusInstruction.SyncWrite when broadcast:
                foreach (var (id, data) in request.SyncBlocks!)
                {
                    var s = Servos.FirstOrDefault(x => x.Id == id);
                    if (s is not null && Hears(s, clientBaud))
                        s.WriteBytes(request.Address, data);
                }
                break;
        }
        if (replies.Count > 0) Send(pty, replies);
    }

    private List<EmulatedServo> Targets(byte id, int? clientBaud) =>
        Servos.Where(s => (id == Protocol.BroadcastId || s.Id == id) && Hears(s, clientBaud)).ToList();

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
        Unplug(); // closes the pseudo-terminal and removes the link
    }
}
