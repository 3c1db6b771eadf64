namespace RobotActors.Devices.Teleoperators;

/// <summary>
/// LeRobot's keyboard_ee teleoperator in a terminal. Arrow keys move x/y (up → y -1, left → x +1);
/// a terminal cannot report Shift on its own, so Page Up / Page Down move z (+1 / -1) where LeRobot
/// uses right/left Shift, and 'o' / 'c' open / close the gripper where it uses right/left Ctrl.
/// 's' success, 'r' re-record, 'q' terminate. A movement key within the last half second counts as
/// intervention. Actions: delta_x, delta_y, delta_z, gripper (0 close, 1 stay, 2 open).
/// </summary>
public sealed class KeyboardTeleoperator : IEventTeleoperator
{
    private static readonly TimeSpan InterventionHold = TimeSpan.FromMilliseconds(500);
    private readonly object _gate = new();
    private readonly RawTerminal? _raw;
    private double _dx, _dy, _dz;
    private int _gripper = 1;
    private bool _success, _rerecord, _terminate;
    private DateTime _lastMove = DateTime.MinValue;

    /// <param name="input">The terminal (stdin) or any byte stream of key presses; the caller keeps ownership.</param>
    /// <param name="rawTerminal">Put stdin in raw mode (no echo, no line buffering) and restore it on dispose.</param>
    public KeyboardTeleoperator(Stream input, bool rawTerminal = false)
    {
        if (rawTerminal) _raw = RawTerminal.Enter();
        _ = new TerminalKeyReader(input, Apply, "keyboard teleop");
    }

    public long KeysRead { get; private set; }
    public double StepSize { get; init; } = 1.0;
    public IReadOnlyList<string> ActionFeatures => ["delta_x", "delta_y", "delta_z", "gripper"];

    private void Apply(TerminalKey key, char c)
    {
        lock (_gate)
        {
            KeysRead++;
            var moved = true;
            switch (key)
            {
                case TerminalKey.Up: _dy -= StepSize; break;
                case TerminalKey.Down: _dy += StepSize; break;
                case TerminalKey.Left: _dx += StepSize; break;
                case TerminalKey.Right: _dx -= StepSize; break;
                case TerminalKey.PageUp: _dz += StepSize; break;
                case TerminalKey.PageDown: _dz -= StepSize; break;
                default:
                    moved = false;
                    switch (char.ToLowerInvariant(c))
                    {
                        case 'o': _gripper = 2; moved = true; break;
                        case 'c': _gripper = 0; moved = true; break;
                        case 's': _success = true; break;
                        case 'r': _rerecord = true; break;
                        case 'q': _terminate = true; break;
                    }
                    break;
            }
            if (moved) _lastMove = DateTime.UtcNow;
        }
    }

    /// <summary>The movement since the last call (key presses add up; auto-repeat gives a steady rate).</summary>
    public Dictionary<string, double> GetAction()
    {
        lock (_gate)
        {
            var action = new Dictionary<string, double> { ["delta_x"] = _dx, ["delta_y"] = _dy, ["delta_z"] = _dz, ["gripper"] = _gripper };
            _dx = _dy = _dz = 0;
            _gripper = 1;
            return action;
        }
    }

    public Dictionary<TeleopEvent, bool> GetTeleopEvents()
    {
        lock (_gate)
        {
            var events = new Dictionary<TeleopEvent, bool>
            {
                [TeleopEvent.IsIntervention] = DateTime.UtcNow - _lastMove < InterventionHold,
                [TeleopEvent.Success] = _success,
                [TeleopEvent.Failure] = false,
                [TeleopEvent.RerecordEpisode] = _rerecord,
                [TeleopEvent.TerminateEpisode] = _terminate || _rerecord,
            };
            _success = _rerecord = _terminate = false;
            return events;
        }
    }

    public void Dispose()
    {
        // The input stays the caller's: closing a stream another thread is blocked reading can hang
        // on some platforms, and stdin must stay usable. The reader ends at end of input.
        _raw?.Dispose();
    }
}
