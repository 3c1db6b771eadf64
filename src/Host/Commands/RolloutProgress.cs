using RobotActors.Rl.Env;
using RobotActors.Rl.Rollout;

namespace RobotActors.Host.Commands;

/// <summary>One status line a second while a rollout runs (ticks, held ticks, the queue of a remote policy), and a line when the arm starts or stops holding.</summary>
public sealed class RolloutProgress(TextWriter output, int fps, RemoteChunkPolicy? remote)
{
    private readonly bool _sameLine = output == Console.Error && !Console.IsErrorRedirected;
    private long _holds;
    private bool _holding;

    public bool OnTick(long tick, StepResult step, bool held)
    {
        if (held) _holds++;
        if (held != _holding && (tick > 0 || held))
        {
            _holding = held;
            var planned = remote?.Figures.LastPlanned is { } last and >= 0 ? $" (the last chunk planned up to tick {last})" : "";
            if (_sameLine) output.WriteLine();
            output.WriteLine(held ? $"tick {tick}: no action queued{planned}: holding the last safe goal" : $"tick {tick}: acting again");
        }
        if ((tick + 1) % fps != 0) return true;
        var line = $"t={(tick + 1) / (double)fps:F0}s ticks={tick + 1} holds={_holds}" +
                   (remote is null ? "" : $" queued={remote.Figures.Queued} chunks={remote.Figures.Chunks}");
        if (_sameLine) output.Write($"\r{line}   ");
        else output.WriteLine(line);
        return true;
    }

    public void End()
    {
        if (_sameLine) output.WriteLine();
    }
}
