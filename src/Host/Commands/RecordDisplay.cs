using RobotActors.Rl.Recording;

namespace RobotActors.Host.Commands;

/// <summary>
/// Live progress of a recording: on a terminal one status line rewritten in place (episode k of N, time left,
/// frames, the last event); when output is redirected, a line per event and one every few seconds.
/// </summary>
public sealed class RecordDisplay(TextWriter output, bool interactive)
{
    private DateTime _last = DateTime.MinValue;
    private string? _lastEvent;

    public void Show(RecordStatus s)
    {
        var changed = s.LastEvent != _lastEvent;
        _lastEvent = s.LastEvent;
        var line = $"episode {s.Episode} of {s.Episodes}  {s.Phase,-9} time left {s.TimeLeftS,5:F1} s  frames {s.Frames,4}  last event: {s.LastEvent ?? "-"}";
        if (interactive)
        {
            if (!changed && DateTime.UtcNow - _last < TimeSpan.FromMilliseconds(200)) return;
            _last = DateTime.UtcNow;
            output.Write("\r" + line.PadRight(Math.Max(line.Length, 110))[..Math.Max(line.Length, 110)]);
            if (changed) output.WriteLine();
            return;
        }
        if (!changed && DateTime.UtcNow - _last < TimeSpan.FromSeconds(5)) return;
        _last = DateTime.UtcNow;
        output.WriteLine(line);
    }
}
