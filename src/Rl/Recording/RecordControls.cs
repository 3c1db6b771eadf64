using RobotActors.Devices.Teleoperators;

namespace RobotActors.Rl.Recording;

/// <summary>What the operator asked for with lerobot-record's keys.</summary>
[Flags]
public enum RecordRequest
{
    None = 0,
    /// <summary>Right arrow or n: end this episode (or the reset period) now.</summary>
    ExitEarly = 1,
    /// <summary>Left arrow or r: discard this episode and record it again.</summary>
    Rerecord = 2,
    /// <summary>Esc or q: save this episode and stop recording.</summary>
    Stop = 4,
}

/// <summary>
/// lerobot-record's keys read from a terminal (or any byte stream): → / n end the episode, ← / r re-record it,
/// Esc / q stop. A lone ESC byte in a read is the Esc key; ESC [ C and ESC [ D are the arrows.
/// </summary>
public sealed class RecordControls : IDisposable
{
    private int _pending;

    public RecordControls(Stream input) => _ = new TerminalKeyReader(input, OnKey, "record keys");

    /// <summary>The requests since the last call.</summary>
    public RecordRequest Take() => (RecordRequest)Interlocked.Exchange(ref _pending, 0);

    public void Request(RecordRequest request)
    {
        int current, next;
        do
        {
            current = _pending;
            next = current | (int)request;
        } while (Interlocked.CompareExchange(ref _pending, next, current) != current);
    }

    private void OnKey(TerminalKey key, char c)
    {
        switch (key)
        {
            case TerminalKey.Right: Request(RecordRequest.ExitEarly); break;
            case TerminalKey.Left: Request(RecordRequest.Rerecord | RecordRequest.ExitEarly); break;
            case TerminalKey.Char:
                switch (char.ToLowerInvariant(c))
                {
                    case 'n': Request(RecordRequest.ExitEarly); break;
                    case 'r': Request(RecordRequest.Rerecord | RecordRequest.ExitEarly); break;
                    case 'q' or TerminalKeyReader.Escape or '\u0003': Request(RecordRequest.Stop | RecordRequest.ExitEarly); break;
                }
                break;
        }
    }

    public void Dispose() { } // the input stays the caller's; the reader ends with it
}
